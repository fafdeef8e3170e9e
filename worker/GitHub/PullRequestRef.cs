namespace AgentConductor.Worker.GitHub;

/// <summary>One end of a pull request: <c>ref</c> is the branch, <c>label</c> is <c>owner:branch</c>.</summary>
internal sealed record PullRequestRef
{
    public string Ref { get; init; } = "";

    public string Label { get; init; } = "";
}
