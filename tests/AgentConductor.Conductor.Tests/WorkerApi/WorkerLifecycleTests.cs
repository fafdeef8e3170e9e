using AgentConductor.Conductor.Storage;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Heartbeat and PublishProgress after a handshake.</summary>
public sealed class WorkerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Heartbeat_WorkingPhase_RecordsConductorTimeAndMovesToRunning()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        clock.Advance(TimeSpan.FromMinutes(3));

        var response = await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent, CurrentStep = "agent turn 3", SentAt = Timestamp.FromDateTimeOffset(ConductorHost.T0) }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.False(response.CancelRequested);
        Assert.Equal("running", host.State(jobId));
        Assert.Equal(UnixTime.ToMs(ConductorHost.T0.AddMinutes(3)), host.Scalar("SELECT last_heartbeat_at FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal("RunningAgent", host.Scalar("SELECT worker_phase FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal("agent turn 3", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Heartbeat_EveryAnswer_NamesTheConfiguredInterval()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:HeartbeatInterval=00:00:45"], cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        var request = new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent };

        // The first answer comes from the durable path (connected -> running), the second from the in-memory board.
        var first = await host.Worker.HeartbeatAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;
        var second = await host.Worker.HeartbeatAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal("running", host.State(jobId));
        Assert.Equal(TimeSpan.FromSeconds(45), first.NextHeartbeatInterval.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(45), second.NextHeartbeatInterval.ToTimeSpan());
    }

    [Fact]
    public async Task Heartbeat_PreparingPhase_StaysConnected()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);

        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Preparing }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal("connected", host.State(jobId));
    }

    [Fact]
    public async Task Heartbeat_CancelRequested_AnswersCancelWithReason()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        host.Execute("UPDATE jobs SET cancel_requested_at = 1, cancel_reason = 'ticket closed' WHERE id = @id", ("@id", jobId));

        var response = await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.True(response.CancelRequested);
        Assert.Equal("ticket closed", response.CancelReason);
    }

    [Fact]
    public async Task Heartbeat_BeforeHandshake_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task PublishProgress_LogsAndTurns_StoredInOrderWithUsageSummed()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxLogLineBytes=1024"], cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        var usage = new TokenUsage { InputTokens = 100, CachedInputTokens = 40, CacheWriteInputTokens = 15, OutputTokens = 30, ReasoningOutputTokens = 10 };
        ProgressUpdate[] updates =
        [
            new() { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = "first" } },
            new() { JobId = jobId, Progress = new ProgressEvent { TurnCompleted = new AgentTurnCompleted { Turn = 1, Usage = usage } } },
            new() { JobId = jobId, Log = new LogLine { Stream = LogStream.Stderr, Text = new string('ü', 1000) } },
            new() { JobId = jobId, Progress = new ProgressEvent { TurnCompleted = new AgentTurnCompleted { Turn = 2, Usage = usage } } },
        ];

        var first = await host.Worker.PublishAllAsync(WorkerCalls.Updates(jobId, updates), ConductorHost.Bearer(token).WithCancellationToken(Ct));
        var second = await host.Worker.PublishAllAsync(WorkerCalls.Updates(jobId), ConductorHost.Bearer(token).WithCancellationToken(Ct));

        Assert.Equal((4, 1), (first.AcceptedCount, second.AcceptedCount));
        Assert.Equal(5L, host.Count("job_logs", jobId));
        Assert.Equal("stdout|progress|stderr|progress|worker", host.Scalar("SELECT group_concat(stream, '|') FROM (SELECT stream FROM job_logs WHERE job_id = @id ORDER BY seq)", ("@id", jobId)));
        Assert.Equal(512L, host.Scalar("SELECT length(text) FROM job_logs WHERE job_id = @id AND seq = 3", ("@id", jobId)));
        Assert.Equal(1L, host.Scalar("SELECT truncated FROM job_logs WHERE job_id = @id AND seq = 3", ("@id", jobId)));
        Assert.Equal("200|80|30|60|20", host.Scalar(
            "SELECT input_tokens || '|' || cached_input_tokens || '|' || cache_write_input_tokens || '|' || output_tokens || '|' || reasoning_output_tokens FROM jobs WHERE id = @id",
            ("@id", jobId)));
        using var view = System.Text.Json.JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct));
        Assert.Equal(
            """{"inputTokens":200,"cachedInputTokens":80,"cacheWriteInputTokens":30,"outputTokens":60,"reasoningOutputTokens":20}""",
            view.RootElement.GetProperty("job").GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task PublishProgress_StreamGoesQuiet_LinesStoredAfterTheFlushIntervalWhileItStaysOpen()
    {
        var clock = new TimerTrackingTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:ProgressFlushInterval=00:00:02"], timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        var timersBefore = clock.PendingTimers;
        var endStream = new TaskCompletionSource();

        var call = host.Worker.PublishAllAsync(QuietAfterThreeAsync(jobId, endStream.Task), ConductorHost.Bearer(token).WithCancellationToken(Ct));
        await clock.WaitForTimersAsync(timersBefore + 1); // usually the receiver holding the three lines, waiting for more
        Assert.Equal(0L, host.Count("job_logs", jobId));

        // The pending timer may be another loop's, with the lines still on their way: advance until they are stored.
        await Eventually.ValueAsync(
            () =>
            {
                if (host.Count("job_logs", jobId) == 3)
                {
                    return "stored";
                }

                clock.Advance(TimeSpan.FromSeconds(2));
                return null;
            },
            Ct);
        Assert.False(call.IsCompleted);
        endStream.SetResult();
        Assert.Equal(3, (await call).AcceptedCount);
        Assert.Equal(3L, host.Count("job_logs", jobId));
    }

    [Fact]
    public async Task PublishProgress_MessageForAnotherJob_PermissionDenied()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await ConnectedTicketAsync(host, cancellationToken: Ct);
        var updates = WorkerCalls.Updates(jobId, new ProgressUpdate { JobId = jobId, Log = new() { Text = "a" } }, new ProgressUpdate { JobId = "other", Log = new() { Text = "b" } });

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.PublishAllAsync(updates, ConductorHost.Bearer(token).WithCancellationToken(Ct)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    private static async IAsyncEnumerable<ProgressUpdate> QuietAfterThreeAsync(string jobId, Task end)
    {
        for (var i = 1; i <= 3; i++)
        {
            yield return new ProgressUpdate { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = $"line {i}" } };
        }

        await end;
    }

    internal static async Task<(string JobId, string Token)> ConnectedTicketAsync(ConductorHost host, string key = "PAY-1", CancellationToken cancellationToken = default)
    {
        var (jobId, token) = await host.LaunchTicketAsync(key, cancellationToken: cancellationToken);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(cancellationToken)).ResponseAsync;
        return (jobId, token);
    }
}
