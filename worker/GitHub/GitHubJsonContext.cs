using System.Text.Json.Serialization;

namespace AgentConductor.Worker.GitHub;

/// <summary>Source-generated (de)serialization for the GitHub documents the worker sends and reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(List<PullRequest>))]
[JsonSerializable(typeof(NewPullRequest))]
[JsonSerializable(typeof(PullRequestUpdate))]
[JsonSerializable(typeof(IssueComment))]
[JsonSerializable(typeof(NewIssueComment))]
[JsonSerializable(typeof(IssueLabels))]
[JsonSerializable(typeof(List<IssueLabel>))]
[JsonSerializable(typeof(GitHubErrorResponse))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
