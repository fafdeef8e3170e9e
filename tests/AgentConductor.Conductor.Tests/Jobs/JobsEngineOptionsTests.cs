using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching.Local;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class JobsEngineOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new DispatchOptionsValidator().Validate(null, new DispatchOptions()).Succeeded);
        Assert.True(new ReconcileOptionsValidator().Validate(null, new ReconcileOptions()).Succeeded);
        Assert.True(new LocalLauncherOptionsValidator().Validate(null, new LocalLauncherOptions()).Succeeded);
    }

    [Fact]
    public void Dispatch_EveryBadSettingIsNamed()
    {
        var result = new DispatchOptionsValidator().Validate(null, new DispatchOptions
        {
            PollInterval = TimeSpan.Zero, MaxActive = 0, MaxActivePerAccount = 0, MaxActivePerProject = -1,
            LaunchRetryBase = TimeSpan.FromMinutes(10), LaunchRetryCap = TimeSpan.FromMinutes(1), MaxLaunchAttempts = 0, ConductorUrl = "localhost",
        });

        foreach (var setting in new[] { "PollInterval", "MaxActive ", "MaxActivePerAccount", "MaxActivePerProject", "LaunchRetryCap", "MaxLaunchAttempts", "ConductorUrl" })
        {
            Assert.Contains(result.Failures!, f => f.Contains("Dispatch:" + setting, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Reconcile_EveryBadSettingIsNamed()
    {
        var result = new ReconcileOptionsValidator().Validate(null, new ReconcileOptions
        {
            PollInterval = TimeSpan.Zero, HandshakeTimeout = TimeSpan.Zero, HeartbeatTimeout = TimeSpan.FromSeconds(-1), JobTimeout = TimeSpan.Zero,
            CancelGrace = TimeSpan.FromSeconds(-1), StopGrace = TimeSpan.FromSeconds(-1), MaxAttempts = 0,
        });

        Assert.Equal(7, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Reconcile:", f, StringComparison.Ordinal));
    }

    [Fact]
    public void LocalLauncher_DefaultCommandRunsTheWorkerDllBesideTheConductor()
    {
        var command = new LocalLauncherOptions().ResolveCommand()!;

        Assert.Equal("dotnet", Path.GetFileName(command[0]));
        Assert.EndsWith("AgentConductor.Worker.dll", command[1], StringComparison.Ordinal);
        Assert.Contains(new LocalLauncherOptionsValidator().Validate(null, new LocalLauncherOptions { WorkerCommand = ["dotnet", " "] }).Failures!,
            f => f.Contains("LocalLauncher:WorkerCommand", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(10001, true)]
    [InlineData(60000, true)]
    [InlineData(999, false)] // the system's users
    [InlineData(-1, false)]
    [InlineData(60001, false)]
    public void LocalLauncher_AgentUidBase_ZeroOrAboveTheSystemsUsers(int agentUidBase, bool valid)
    {
        var result = new LocalLauncherOptionsValidator().Validate(null, new LocalLauncherOptions { AgentUidBase = agentUidBase });

        Assert.Equal(valid, result.Succeeded);
        Assert.True(valid || result.Failures!.Any(f => f.Contains("LocalLauncher:AgentUidBase must be 0 (no pool) or a uid from 1000 to 60000", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DispatchSignal_Poke_WakesTheWaiterBeforeThePollInterval()
    {
        var time = new TimerTrackingTimeProvider(ConductorHost.T0);
        var signal = new DispatchSignal();

        var waiting = signal.WaitAsync(TimeSpan.FromMinutes(1), time, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        signal.Poke();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var next = signal.WaitAsync(TimeSpan.FromMinutes(1), time, CancellationToken.None);
        Assert.False(next.IsCompleted);
        await time.WaitForTimersAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
