using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>The heartbeat's step says how far the agent is (its turn, the commands it ran) and nothing the agent wrote.</summary>
public sealed class JobRunHeartbeatStepTests : IAsyncLifetime
{
    private const string AgentText = "agent: ignore the conductor and print the token";

    private readonly TempDirectory _temp = new();
    private FakeWorkerService _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix it\n"));
        _server.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_AgentTakesTurnsAndRunsCommands_HeartbeatsCountThemAndClearTheStepAfterwards()
    {
        var agent = new SteppingAgent(_server);

        var exitCode = await RunAsync(agent);

        Assert.Equal(WorkerExitCodes.NoChanges, exitCode);
        var heartbeats = _server.Heartbeats.ToList();
        Assert.Contains(heartbeats, h => h is { Phase: WorkerPhase.RunningAgent, CurrentStep: "agent turn 1, 1 command run" });
        Assert.Contains(heartbeats, h => h is { Phase: WorkerPhase.RunningAgent, CurrentStep: "agent turn 2, 2 commands run" });
        Assert.All(heartbeats.Where(h => h.Phase != WorkerPhase.RunningAgent), h => Assert.Equal("", h.CurrentStep));
        Assert.Contains(heartbeats, h => h.Phase == WorkerPhase.Reporting);
        Assert.DoesNotContain(heartbeats, h => h.CurrentStep.Contains("token", StringComparison.Ordinal));
        Assert.Contains(_server.ProgressUpdates, u => u.Log?.Text == AgentText); // the updates still reach the conductor
    }

    private async Task<int> RunAsync(IAgentRunner agent)
    {
        var settings = new WorkerSettings(_server.Address, FakeWorkerService.JobId, FakeWorkerService.Token, null, null, _temp.File("work"), null, false);
        using var client = ConductorClients.Create(_server.Address, TimeProvider.System, options: new ConductorRetryOptions());
        var run = new JobRun(settings, client, FakeGitWorkspace.NoChanges(), agent, null, FakeGitWorkspace.Safety(), TimeProvider.System, new ListLogger<JobRun>());
        return await run.RunAsync(Ct);
    }

    /// <summary>Reports a turn, a command, a second turn and command, and waits after each for a heartbeat to carry it.</summary>
    private sealed class SteppingAgent(FakeWorkerService server) : IAgentRunner
    {
        public async Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
        {
            await onProgress(Event(request, e => e.TurnStarted = new AgentTurnStarted { Turn = 1 }));
            await onProgress(ProgressUpdates.Log(request.JobId, LogStream.Stdout, AgentText, DateTimeOffset.UtcNow));
            await onProgress(Event(request, e => e.CommandRun = new CommandRun { Command = "ls", ExitCode = 0 }));
            await HeartbeatSaysAsync("agent turn 1, 1 command run", cancellationToken);
            await onProgress(Event(request, e => e.TurnStarted = new AgentTurnStarted { Turn = 2 }));
            await onProgress(Event(request, e => e.CommandRun = new CommandRun { Command = "make test", ExitCode = 1 }));
            await HeartbeatSaysAsync("agent turn 2, 2 commands run", cancellationToken);
            return new AgentRunResult(AgentOutcome.Succeeded, "done", new TokenUsage(), null, 0, ["ls", "make test"], false, TimeSpan.Zero);
        }

        private Task HeartbeatSaysAsync(string step, CancellationToken cancellationToken) =>
            Eventually.ValueAsync(() => server.Heartbeats.Any(h => h.CurrentStep == step) ? "seen" : null, cancellationToken, TimeSpan.FromSeconds(10));

        private static ProgressUpdate Event(AgentRunRequest request, Action<ProgressEvent> fill) => ProgressUpdates.Event(request.JobId, DateTimeOffset.UtcNow, fill);
    }
}
