using System.Text;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.TestSupport.GitHubWebhooks;

/// <summary>
/// GitHub deliveries straight into a scheduler, as the webhook endpoint hands them over (stored form, idempotency key),
/// and jobs that opened a pull request, as the dispatcher and the worker API leave them.
/// </summary>
internal static class GitHubDeliveries
{
    public const string Secret = "webhook-test-secret-0123456789";

    public static FollowUpSettings Settings(FollowUpOptions? options = null, string? secret = Secret) => new(options ?? new FollowUpOptions(), secret);

    /// <summary>The message the webhook endpoint would schedule for this delivery.</summary>
    public static InboundMessage Message(string gitHubEvent, JsonObject payload, DateTimeOffset at, string deliveryId, Signing signing = Signing.Valid, string secret = Secret)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var header = signing switch
        {
            Signing.Valid => GitHubSignature.Sign(secret, body),
            Signing.WrongSecret => GitHubSignature.Sign(secret + "-not", body),
            Signing.Tampered => GitHubSignature.Sign(secret, [.. body, (byte)' ']),
            _ => null,
        };
        var envelope = new GitHubEnvelope(gitHubEvent, deliveryId, header, body);
        var stored = envelope.ToJson();
        return InboundMessage.FromBytes(GitHubDeliveryKey.For(envelope, stored, secret), stored, at);
    }

    public static Task<ScheduleResult> SendDeliveryAsync(
        this SchedulerHarness harness, string gitHubEvent, JsonObject payload, DateTimeOffset at, string deliveryId, Signing signing = Signing.Valid) =>
        harness.SendBatchAsync([Message(gitHubEvent, payload, at, deliveryId, signing)]);

    /// <summary>A ticket whose job opened <paramref name="number"/> in <paramref name="repository"/> on branch <c>agent/&lt;job-id&gt;/fix</c>.</summary>
    public static async Task<(string JobId, PullRequestRef PullRequest)> TicketWithPullRequestAsync(
        this SchedulerHarness harness, string key, DateTimeOffset at, string repository = "acme/pay", int number = 7)
    {
        var result = await harness.SendAsync("m-" + key, Messages.TicketCreated(key, at), at);
        var jobId = result.Decisions.Single().JobId;
        var pullRequest = new PullRequestRef(repository, number, $"agent/{jobId}/fix-{key.ToLowerInvariant()}");
        ReportPullRequest(harness.Database, jobId, pullRequest, at);
        return (jobId, pullRequest);
    }

    /// <summary>
    /// Moves the job on to <c>succeeded</c> from wherever it is, as a launch and a worker would (the route recorded at launch,
    /// the branch at the handshake), and stores the result with the pull request.
    /// </summary>
    public static void ReportPullRequest(
        ConductorDatabase database, string jobId, PullRequestRef pullRequest, DateTimeOffset at, string cloneUrl = "https://github.com/acme/pay.git", string baseBranch = "main")
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var db = new Statements(connection) { Transaction = transaction };
        var writer = new JobWriter(db);
        JobState[] path = [JobState.Pending, JobState.Launching, JobState.Launched, JobState.Connected, JobState.Succeeded];
        var state = JobStates.Parse(db.QueryString("SELECT state FROM jobs WHERE id = @id", ("@id", jobId))!);
        for (var i = Array.IndexOf(path, state); i >= 0 && i < path.Length - 1; i++)
        {
            writer.TryMove(jobId, path[i], path[i + 1], "test", at);
        }

        db.Execute(
            "UPDATE jobs SET repository = coalesce(repository, @repository), clone_url = coalesce(clone_url, @clone), base_branch = coalesce(base_branch, @base), branch = @branch WHERE id = @id",
            ("@repository", RepositoryUrl.Normalise(cloneUrl)), ("@clone", cloneUrl), ("@base", baseBranch), ("@branch", pullRequest.HeadRef), ("@id", jobId));
        db.Execute(
            "INSERT INTO job_results (job_id, status, pull_request_url, branch, reported_at) VALUES (@id, 'succeeded', @url, @branch, @at)",
            ("@id", jobId), ("@url", pullRequest.HtmlUrl), ("@branch", pullRequest.HeadRef), ("@at", UnixTime.ToMs(at)));
        transaction.Commit();
    }
}
