using AgentConductor.Conductor.Storage;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Heartbeat, PublishProgress and ReportResult after a handshake.</summary>
public sealed class WorkerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Heartbeat_WorkingPhase_RecordsConductorTimeAndMovesToRunning()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(timeProvider: clock);
        var (jobId, token) = await ConnectedTicketAsync(host);
        clock.Advance(TimeSpan.FromMinutes(3));

        var response = await host.Channel.UnaryAsync(
            WorkerServiceMethods.Heartbeat,
            new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent, CurrentStep = "agent turn 3", SentAt = Timestamp.FromDateTimeOffset(ConductorHost.T0) },
            ConductorHost.Bearer(token),
            Ct);

        Assert.False(response.CancelRequested);
        Assert.Equal("running", host.State(jobId));
        Assert.Equal(UnixTime.ToMs(ConductorHost.T0.AddMinutes(3)), host.Scalar("SELECT last_heartbeat_at FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal("RunningAgent", host.Scalar("SELECT worker_phase FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal("agent turn 3", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Heartbeat_PreparingPhase_StaysConnected()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);

        await host.Channel.UnaryAsync(WorkerServiceMethods.Heartbeat, new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Preparing }, ConductorHost.Bearer(token), Ct);

        Assert.Equal("connected", host.State(jobId));
    }

    [Fact]
    public async Task Heartbeat_CancelRequested_AnswersCancelWithReason()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);
        host.Execute("UPDATE jobs SET cancel_requested_at = 1, cancel_reason = 'ticket closed' WHERE id = @id", ("@id", jobId));

        var response = await host.Channel.UnaryAsync(
            WorkerServiceMethods.Heartbeat, new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent }, ConductorHost.Bearer(token), Ct);

        Assert.True(response.CancelRequested);
        Assert.Equal("ticket closed", response.CancelReason);
    }

    [Fact]
    public async Task Heartbeat_BeforeHandshake_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Channel.UnaryAsync(WorkerServiceMethods.Heartbeat, new HeartbeatRequest { JobId = jobId }, ConductorHost.Bearer(token), Ct));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task PublishProgress_LogsAndTurns_StoredInOrderWithUsageSummed()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxLogLineBytes=1024"]);
        var (jobId, token) = await ConnectedTicketAsync(host);
        var usage = new TokenUsage { InputTokens = 100, CachedInputTokens = 40, OutputTokens = 30, ReasoningOutputTokens = 10 };
        ProgressUpdate[] updates =
        [
            new() { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = "first" } },
            new() { JobId = jobId, Progress = new ProgressEvent { TurnCompleted = new AgentTurnCompleted { Turn = 1, Usage = usage } } },
            new() { JobId = jobId, Log = new LogLine { Stream = LogStream.Stderr, Text = new string('ü', 1000) } },
            new() { JobId = jobId, Progress = new ProgressEvent { TurnCompleted = new AgentTurnCompleted { Turn = 2, Usage = usage } } },
        ];

        var first = await host.Channel.ClientStreamingAsync(WorkerServiceMethods.PublishProgress, WorkerCalls.Updates(jobId, updates), ConductorHost.Bearer(token), Ct);
        var second = await host.Channel.ClientStreamingAsync(WorkerServiceMethods.PublishProgress, WorkerCalls.Updates(jobId), ConductorHost.Bearer(token), Ct);

        Assert.Equal((4, 1), (first.AcceptedCount, second.AcceptedCount));
        Assert.Equal(5L, host.Count("job_logs", jobId));
        Assert.Equal("stdout|progress|stderr|progress|worker", host.Scalar("SELECT group_concat(stream, '|') FROM (SELECT stream FROM job_logs WHERE job_id = @id ORDER BY seq)", ("@id", jobId)));
        Assert.Equal(512L, host.Scalar("SELECT length(text) FROM job_logs WHERE job_id = @id AND seq = 3", ("@id", jobId)));
        Assert.Equal(1L, host.Scalar("SELECT truncated FROM job_logs WHERE job_id = @id AND seq = 3", ("@id", jobId)));
        Assert.Equal("200|80|60|20", host.Scalar(
            "SELECT input_tokens || '|' || cached_input_tokens || '|' || output_tokens || '|' || reasoning_output_tokens FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task PublishProgress_MessageForAnotherJob_PermissionDenied()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);
        var updates = WorkerCalls.Updates(jobId, new ProgressUpdate { JobId = jobId, Log = new() { Text = "a" } }, new ProgressUpdate { JobId = "other", Log = new() { Text = "b" } });

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Channel.ClientStreamingAsync(WorkerServiceMethods.PublishProgress, updates, ConductorHost.Bearer(token), Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ReportResult_Succeeded_StoresResultAndMovesToSucceeded()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxSummaryBytes=1024"]);
        var (jobId, token) = await ConnectedTicketAsync(host);
        var request = Succeeded(jobId);
        request.Summary = new string('s', 5000);

        var response = await host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, request, ConductorHost.Bearer(token), Ct);

        Assert.Equal("succeeded", response.JobState);
        Assert.Equal("succeeded", host.State(jobId));
        Assert.Equal("succeeded|https://github.example/acme/app/pull/7|agent/x|0123abcd|1024|1|500|9", host.Scalar(
            """
            SELECT status || '|' || pull_request_url || '|' || branch || '|' || head_commit || '|' || length(summary) || '|' || summary_truncated
                || '|' || input_tokens || '|' || output_tokens FROM job_results WHERE job_id = @id
            """,
            ("@id", jobId)));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND from_state = 'connected' AND to_state = 'succeeded'", ("@id", jobId)));
    }

    [Fact]
    public async Task ReportResult_SameResultAgain_SucceedsWithoutAnotherTransition()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);
        await host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, Succeeded(jobId), ConductorHost.Bearer(token), Ct);
        var events = host.Count("job_events", jobId);

        var again = await host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, Succeeded(jobId), ConductorHost.Bearer(token), Ct);

        Assert.Equal("succeeded", again.JobState);
        Assert.Equal(events, host.Count("job_events", jobId));
    }

    [Fact]
    public async Task ReportResult_DifferentResultForTerminalJob_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);
        await host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, Succeeded(jobId), ConductorHost.Bearer(token), Ct);
        var failed = new ReportResultRequest { JobId = jobId, Status = ResultStatus.Failed, Error = new ResultError { Code = "push_failed" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, failed, ConductorHost.Bearer(token), Ct));

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
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);
        await host.Channel.UnaryAsync(WorkerServiceMethods.Heartbeat, new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Pushing }, ConductorHost.Bearer(token), Ct);

        var response = await host.Channel.UnaryAsync(
            WorkerServiceMethods.ReportResult,
            new ReportResultRequest { JobId = jobId, Status = status, Error = new ResultError { Code = "agent_failed", Message = "boom" } },
            ConductorHost.Bearer(token),
            Ct);

        Assert.Equal(state, response.JobState);
        Assert.Equal(state, host.State(jobId));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND from_state = 'running' AND to_state = @s", ("@id", jobId), ("@s", state)));
    }

    [Fact]
    public async Task ReportResult_UnspecifiedStatus_InvalidArgument()
    {
        await using var host = await ConductorHost.StartAsync();
        var (jobId, token) = await ConnectedTicketAsync(host);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Channel.UnaryAsync(WorkerServiceMethods.ReportResult, new ReportResultRequest { JobId = jobId }, ConductorHost.Bearer(token), Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("connected", host.State(jobId));
    }

    internal static async Task<(string JobId, string Token)> ConnectedTicketAsync(ConductorHost host, string key = "PAY-1")
    {
        var (jobId, token) = await host.LaunchTicketAsync(key);
        await host.Channel.UnaryAsync(WorkerServiceMethods.Handshake, new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token), Ct);
        return (jobId, token);
    }

    private static ReportResultRequest Succeeded(string jobId) => new()
    {
        JobId = jobId,
        Status = ResultStatus.Succeeded,
        PullRequestUrl = "https://github.example/acme/app/pull/7",
        Branch = "agent/x",
        HeadCommit = "0123abcd",
        Summary = "Fixed it.",
        Usage = new TokenUsage { InputTokens = 500, OutputTokens = 9 },
    };
}
