namespace AgentConductor.Conductor.Routing;

/// <summary>
/// One route. Every criterion that is not empty must match (case-insensitive): the ticket's project is in
/// <see cref="Projects"/>, one of its components is in <see cref="Components"/>, one of its labels is in
/// <see cref="Labels"/>, the incident's account is in <see cref="Accounts"/>. A route without criteria matches every job.
/// </summary>
internal sealed class RepositoryRoute
{
    public List<string> Projects { get; set; } = [];

    public List<string> Components { get; set; } = [];

    public List<string> Labels { get; set; } = [];

    public List<string> Accounts { get; set; } = [];

    /// <summary>HTTPS clone URL, without credentials.</summary>
    public string CloneUrl { get; set; } = "";

    /// <summary>The branch to start from and to open the pull request against.</summary>
    public string BaseBranch { get; set; } = "main";
}
