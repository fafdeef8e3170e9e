namespace AgentConductor.Conductor.Launching;

/// <summary>
/// What a launcher needs to start one worker. <see cref="Token"/> is the job token in plain text: it goes into the
/// worker's environment only, never onto a command line or into a log (<see cref="ToString"/> leaves it out).
/// <see cref="Kind"/> and <see cref="Subject"/> are for the launcher's tags and labels.
/// </summary>
internal sealed record LaunchRequest(string JobId, int Attempt, string Token, string ConductorUrl, string CloneUrl, string BaseBranch)
{
    /// <summary><c>ticket</c> or <c>incident</c>.</summary>
    public string Kind { get; init; } = "ticket";

    /// <summary>The ticket key of a ticket job, the AWS account of an incident job.</summary>
    public string? Subject { get; init; }

    public override string ToString() => $"LaunchRequest {{ JobId = {JobId}, Attempt = {Attempt}, Kind = {Kind}, Subject = {Subject}, CloneUrl = {CloneUrl}, BaseBranch = {BaseBranch} }}";
}
