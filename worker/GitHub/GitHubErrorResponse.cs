namespace AgentConductor.Worker.GitHub;

/// <summary>GitHub's error document: <c>{"message": ..., "errors": [...], "documentation_url": ...}</c>.</summary>
internal sealed record GitHubErrorResponse
{
    public string? Message { get; init; }

    public IReadOnlyList<GitHubValidationError>? Errors { get; init; }

    public string? DocumentationUrl { get; init; }
}
