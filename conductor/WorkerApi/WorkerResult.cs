using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A reported result, validated and cut to size, ready to store.</summary>
internal sealed record WorkerResult(
    JobState Target,
    StoredResult Key,
    string? Summary,
    bool SummaryTruncated,
    TokenCounts Usage,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
