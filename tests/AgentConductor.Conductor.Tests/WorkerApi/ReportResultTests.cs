using AgentConductor.TestSupport;
using Grpc.Core;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>ReportResult: stores the result, moves the job to its terminal state, accepts only the same result again.</summary>
public sealed class ReportResultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportResult_Succeeded_StoresResultAndMovesToSucceeded()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxSummaryBytes=1024"], cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var request = Succeeded(jobId);
        request.Summary = new string('s', 5000);

        var response = await host.Worker.ReportResultAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal("succeeded", response.JobState);
        Assert.Equal("succeeded", host.State(jobId));
        Assert.Equal("succeeded|https://github.example/acme/app/pull/7|agent/x|0123abcd|1024|1|500|9", host.Scalar(
            """
            SELECT status || '|' || pull_request_url || '|' || branch || '|' || head_commit || '|' || length(summary) || '|' || summary_truncated
                || '|' || input_tokens || '|' || output_tokens FROM job_results WHERE job_id = @id
            """,
            ("@id", jobId)));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND from_state = 'connected' AND to_state = 'succeeded'", ("@id", jobId)));
        // The job shows the usage its worker reported.
        using var view = System.Text.Json.JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct));
        Assert.Equal(
            """{"inputTokens":500,"cachedInputTokens":0,"cacheWriteInputTokens":7,"outputTokens":9,"reasoningOutputTokens":0}""",
            view.RootElement.GetProperty("job").GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task ReportResult_SameResultAgain_SucceedsWithoutAnotherTransition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        await host.Worker.ReportResultAsync(Succeeded(jobId), ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;
        var events = host.Count("job_events", jobId);

        var again = await host.Worker.ReportResultAsync(Succeeded(jobId), ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal("succeeded", again.JobState);
        Assert.Equal(events, host.Count("job_events", jobId));
    }

    [Fact]
    public async Task ReportResult_DifferentResultForTerminalJob_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        await host.Worker.ReportResultAsync(Succeeded(jobId), ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;
        var failed = new ReportResultRequest { JobId = jobId, Status = ResultStatus.Failed, Error = new ResultError { Code = "push_failed" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.ReportResultAsync(failed, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("succeeded", host.State(jobId));
    }

    [Theory]
    [InlineData(ResultStatus.NoChanges, "no_changes")]
    [InlineData(ResultStatus.Failed, "failed")]
    [InlineData(ResultStatus.TimedOut, "timed_out")]
    [InlineData(ResultStatus.Cancelled, "cancelled")]
    public async Task ReportResult_FromRunning_MovesToMatchingState(ResultStatus status, string state)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Pushing }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        var response = await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = status, Error = new ResultError { Code = "agent_failed", Message = "boom" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(state, response.JobState);
        Assert.Equal(state, host.State(jobId));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND from_state = 'running' AND to_state = @s", ("@id", jobId), ("@s", state)));
    }

    [Fact]
    public async Task ReportResult_UnspecifiedStatus_InvalidArgument()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.ReportResultAsync(new ReportResultRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("connected", host.State(jobId));
    }

    private static ReportResultRequest Succeeded(string jobId) => new()
    {
        JobId = jobId,
        Status = ResultStatus.Succeeded,
        PullRequestUrl = "https://github.example/acme/app/pull/7",
        Branch = "agent/x",
        HeadCommit = "0123abcd",
        Summary = "Fixed it.",
        Usage = new TokenUsage { InputTokens = 500, CacheWriteInputTokens = 7, OutputTokens = 9 },
    };
}
