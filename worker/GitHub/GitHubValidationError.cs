namespace AgentConductor.Worker.GitHub;

/// <summary>One entry of a 422 answer's <c>errors</c> array.</summary>
internal sealed record GitHubValidationError
{
    public string? Resource { get; init; }

    public string? Field { get; init; }

    public string? Code { get; init; }

    public string? Message { get; init; }
}
