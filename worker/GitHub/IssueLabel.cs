namespace AgentConductor.Worker.GitHub;

/// <summary>A label as GitHub returns it.</summary>
internal sealed record IssueLabel
{
    public string Name { get; init; } = "";
}
