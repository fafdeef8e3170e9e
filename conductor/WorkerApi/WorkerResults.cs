using AgentConductor.Conductor.Secrets;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// Turns a <see cref="ReportResultRequest"/> into a <see cref="WorkerResult"/>: free text (summary, error) is masked,
/// then cut to size, so no cut leaves half a secret behind.
/// </summary>
internal static class WorkerResults
{
    private const int MaxFieldBytes = 2048;
    private const int MaxErrorMessageBytes = 8 * 1024;

    public static WorkerResult? From(ReportResultRequest request, int maxSummaryBytes, SecretRegistry secrets)
    {
        if (ResultStatuses.ToJobState(request.Status) is not { } target)
        {
            return null;
        }

        var (summary, truncated) = Utf8Text.Cut(secrets.Mask(request.Summary), maxSummaryBytes);
        var key = new StoredResult(
            Jobs.JobStates.ToName(target), Field(request.PullRequestUrl), Field(request.Branch), Field(request.HeadCommit));
        return new WorkerResult(
            target,
            key,
            summary.Length == 0 ? null : summary,
            truncated,
            TokenCounts.From(request.Usage),
            request.Error is { Code.Length: > 0 } error ? Field(secrets.Mask(error.Code)) : null,
            request.Error is { Message.Length: > 0 } failure ? Utf8Text.Cut(secrets.Mask(failure.Message), MaxErrorMessageBytes).Text : null,
            request.StartedAt?.ToDateTimeOffset(),
            request.FinishedAt?.ToDateTimeOffset());
    }

    private static string? Field(string value) => value.Length == 0 ? null : Utf8Text.Cut(value, MaxFieldBytes).Text;
}
