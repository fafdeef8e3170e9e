using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Heartbeats of running jobs answered from memory and written by the flush.</summary>
public sealed class HeartbeatBoardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Heartbeat_RunningJob_AnsweredBeforeWrittenThenFlushed()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await RunningTicketAsync(host);
        clock.Advance(TimeSpan.FromSeconds(90));

        var response = await HeartbeatAsync(host, jobId, token, "agent turn 7");

        Assert.False(response.CancelRequested);
        Assert.Equal("agent turn 1", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(1, await Flusher(host).FlushAsync(Ct));
        Assert.Equal("agent turn 7", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(UnixTime.ToMs(ConductorHost.T0.AddSeconds(90)), host.Scalar("SELECT last_seen_at FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(UnixTime.ToMs(ConductorHost.T0.AddSeconds(90)), host.Scalar("SELECT last_heartbeat_at FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Heartbeat_RunningJob_WrittenByTheBackgroundFlushOnItsInterval()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:HeartbeatFlushInterval=00:00:05"], timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await RunningTicketAsync(host);

        await HeartbeatAsync(host, jobId, token, "agent turn 2");

        await Eventually.ValueAsync(
            () =>
            {
                if (host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)) is "agent turn 2")
                {
                    return "written";
                }

                clock.Advance(TimeSpan.FromSeconds(5));
                return null;
            },
            Ct);
    }

    [Fact]
    public async Task Heartbeat_ConnectedToRunning_WrittenAndAuditedBeforeAnswered()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);

        await HeartbeatAsync(host, jobId, token, "agent turn 1");

        Assert.Equal("running", host.State(jobId));
        Assert.Equal("agent turn 1", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND from_state = 'connected' AND to_state = 'running'", ("@id", jobId)));
    }

    [Fact]
    public async Task Heartbeat_CancelRequestedInTheDatabase_AnsweredAfterTheNextFlush()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await RunningTicketAsync(host);
        host.Execute("UPDATE jobs SET cancel_requested_at = 1, cancel_reason = 'ticket closed' WHERE id = @id", ("@id", jobId));

        await Flusher(host).FlushAsync(Ct);
        var response = await HeartbeatAsync(host, jobId, token, "agent turn 2");

        Assert.True(response.CancelRequested);
        Assert.Equal("ticket closed", response.CancelReason);
    }

    [Fact]
    public async Task Heartbeat_JobEndedByTheReconciler_EvictedAndRefusedAsBefore()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await RunningTicketAsync(host);

        // The fake launcher knows no worker for the job: the reconciler ends it as failed.
        await host.Services.GetRequiredService<Reconciler>().RunOnceAsync(Ct);
        Assert.Equal("failed", host.State(jobId));

        await Flusher(host).FlushAsync(Ct);
        var error = await Assert.ThrowsAsync<RpcException>(() => HeartbeatAsync(host, jobId, token, "agent turn 2"));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("agent turn 1", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Heartbeat_RunningJobWithAnotherJobsToken_Refused()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await RunningTicketAsync(host);
        var (_, otherToken) = await RunningTicketAsync(host, "PAY-2");

        var error = await Assert.ThrowsAsync<RpcException>(() => HeartbeatAsync(host, jobId, otherToken, "agent turn 2"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(0, await Flusher(host).FlushAsync(Ct));
        Assert.Equal("agent turn 1", host.Scalar("SELECT current_step FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    private static HeartbeatFlusher Flusher(ConductorHost host) => host.Services.GetRequiredService<HeartbeatFlusher>();

    private static Task<HeartbeatResponse> HeartbeatAsync(ConductorHost host, string jobId, string token, string step) => host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent, CurrentStep = step }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

    /// <summary>A job its first working heartbeat ("agent turn 1") moved to running, so it is on the board.</summary>
    private static async Task<(string JobId, string Token)> RunningTicketAsync(ConductorHost host, string key = "PAY-1")
    {
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, key, Ct);
        await HeartbeatAsync(host, jobId, token, "agent turn 1");
        Assert.Equal("running", host.State(jobId));
        return (jobId, token);
    }
}
