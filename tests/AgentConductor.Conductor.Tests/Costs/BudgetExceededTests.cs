using AgentConductor.Conductor.Tests.Notify;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jira;
using AgentConductor.TestSupport.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>
/// A run stopped at its budget ends in its own state, <c>budget_exceeded</c>: through the transition table, the API, the
/// archive, and the notifications (the stop, then the end, each with what the job cost).
/// </summary>
public sealed class BudgetExceededTests
{
    private const string Stop = "spent 5.02 USD of the job's 5.00 USD limit";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportResult_BudgetExceeded_EndsInItsOwnStateAfterTheStopIsNotified()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken, time);
        jira.AddIssue("PAY-1");
        await using var host = await NotifyHost.StartAsync(Ct, receiver, jira, time, PricedJobs.Prices);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-1", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 1_000_000));
        time.Advance(TimeSpan.FromMinutes(5));

        var state = await PricedJobs.ReportAsync(host, token, BudgetExceeded(jobId, PricedJobs.Usage(1_000_000)), Ct);

        Assert.Equal("budget_exceeded", state);
        Assert.Equal("budget_exceeded", host.State(jobId));
        var detail = await PricedJobs.JobAsync(host, jobId, Ct);
        var job = detail.GetProperty("job");
        Assert.Equal(Stop, job.GetProperty("budget").GetProperty("stopReason").GetString());
        Assert.Equal(time.GetUtcNow(), job.GetProperty("budget").GetProperty("stoppedAt").GetDateTimeOffset());
        Assert.Equal(NotifyHost.PullRequest, job.GetProperty("pullRequestUrl").GetString());
        Assert.Equal(("budget_exceeded", "budget_exceeded"), (detail.GetProperty("result").GetProperty("status").GetString(), detail.GetProperty("result").GetProperty("errorCode").GetString()));
        Assert.Equal(1.28m, PricedJobs.Money(job.GetProperty("cost"), "total")); // 1M input: 1.25; 5 minutes: 0.03
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_archives WHERE job_id = @id", ("@id", jobId))); // archived like any end

        // The stop comes first, then the end; one stop only.
        Assert.Equal(["job.budget_stopped", "job.budget_exceeded"], host.Events(jobId).Select(e => e.Type).TakeLast(2));
        Assert.Single(host.Events(jobId), e => e.Type == "job.budget_stopped");
        await host.DrainAsync(Ct);
        receiver.AssertNoFailures();
        jira.AssertNoFailures();
        var end = receiver.Received.Single(w => w.Type == "job.budget_exceeded").Json;
        Assert.Equal(("connected", "budget_exceeded"), (end.GetProperty("fromState").GetString(), end.GetProperty("toState").GetString()));
        Assert.Equal((1.28m, "USD"), (end.GetProperty("cost").GetProperty("amount").GetDecimal(), end.GetProperty("cost").GetProperty("currency").GetString()));
        Assert.Equal(Stop, receiver.Received.Single(w => w.Type == "job.budget_stopped").Json.GetProperty("reason").GetString());
        var comments = jira.Comments("PAY-1");
        // Jira gets one comment for it by default, the end's: the stop comes a push earlier and says nothing more.
        var budget = Assert.Single(comments, c => c.Text.Contains("at its budget", StringComparison.Ordinal));
        Assert.StartsWith($"The job ended at its budget; its partial work is in a pull request: {NotifyHost.PullRequest}", budget.Text, StringComparison.Ordinal);
        Assert.Contains($"Error: {Stop}", budget.Text, StringComparison.Ordinal);
        Assert.Contains("Cost: 1.28 USD.", budget.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_BudgetReached_RecordsTheStopWhileRunningAndOnlyOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, settings: PricedJobs.Prices);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-2", Ct);
        var reached = new ProgressUpdate
        {
            JobId = jobId,
            Progress = new ProgressEvent { BudgetReached = new BudgetReached { Limit = "tokens", Reason = "used 1,000 tokens of the job's 1,000 token limit", Usage = PricedJobs.Usage(900, output: 100) } },
        };

        await PricedJobs.PublishAsync(host, token, Ct, reached, reached);

        Assert.Equal("connected", host.State(jobId));
        Assert.Equal("used 1,000 tokens of the job's 1,000 token limit", host.Scalar("SELECT budget_stop_reason FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(["job.budget_stopped"], host.Events(jobId).Select(e => e.Type).Where(t => t.StartsWith("job.budget", StringComparison.Ordinal)));

        await PricedJobs.ReportAsync(host, token, BudgetExceeded(jobId, PricedJobs.Usage(900, output: 100)), Ct);

        Assert.Equal(["job.budget_stopped", "job.budget_exceeded"], host.Events(jobId).Select(e => e.Type).Where(t => t.StartsWith("job.budget", StringComparison.Ordinal)));
        Assert.Equal("used 1,000 tokens of the job's 1,000 token limit", host.Scalar("SELECT budget_stop_reason FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task ReportResult_BudgetExceededAgain_IsTheSameResult()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-3", Ct);
        await PricedJobs.ReportAsync(host, token, BudgetExceeded(jobId, PricedJobs.Usage(10)), Ct);

        Assert.Equal("budget_exceeded", await PricedJobs.ReportAsync(host, token, BudgetExceeded(jobId, PricedJobs.Usage(10)), Ct));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND to_state = 'budget_exceeded'", ("@id", jobId)));
    }

    private static ReportResultRequest BudgetExceeded(string jobId, TokenUsage usage) => new()
    {
        JobId = jobId,
        Status = ResultStatus.BudgetExceeded,
        PullRequestUrl = NotifyHost.PullRequest,
        Branch = $"agent/{jobId}/fix",
        HeadCommit = "0123abcd",
        Usage = usage,
        Error = new ResultError { Code = "budget_exceeded", Message = Stop },
    };
}
