using AgentConductor.Conductor.Shutdown;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Shutdown;

public sealed class ShutdownGateTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly SchedulerHarness _harness = new();
    private readonly TempDirectory _directory = new();
    private readonly ListLogger<ShutdownGate> _logger = new();
    private readonly ShutdownOptions _options;
    private readonly ShutdownGate _gate;

    public ShutdownGateTests()
    {
        _options = new ShutdownOptions { FlagPath = _directory.File("IS_CONDUCTOR_SHUTTING_DOWN"), ReadyPath = _directory.File("READY") };
        _gate = new ShutdownGate(Options.Create(_options), _harness.Database, new FakeTimeProvider(T0), _logger);
    }

    [Fact]
    public void Check_FlagFalse_StaysOpen()
    {
        Flag("false");

        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.Open, _gate.Phase);
        Assert.False(File.Exists(_options.ReadyPath));
    }

    [Fact]
    public void Check_FlagTurnsTrueWithNoActiveJobs_WritesReadyAndAsksToExit()
    {
        Flag("false");
        _gate.Check();

        Flag("true\n");

        Assert.True(_gate.Check());
        Assert.Equal(GatePhase.Drained, _gate.Phase);
        Assert.Equal("true", File.ReadAllText(_options.ReadyPath).Trim());
        Assert.Equal(1, _logger.Count("ShutdownDrained"));
    }

    [Fact]
    public async Task Check_ActiveJob_HoldsTheGateUntilItEnds()
    {
        var jobId = Assert.Single((await _harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0)).Decisions).JobId;
        _harness.Scalar($"UPDATE jobs SET state = 'running' WHERE id = '{jobId}'");
        Flag("false");
        _gate.Check();
        Flag("true");

        Assert.False(_gate.Check());
        Assert.True(_gate.IsClosed);
        Assert.Equal(1, _gate.ActiveJobs);
        Assert.False(File.Exists(_options.ReadyPath));

        _harness.Scalar($"UPDATE jobs SET state = 'succeeded' WHERE id = '{jobId}'");
        Assert.True(_gate.Check());
    }

    [Fact]
    public async Task Check_PendingJobs_DoNotHoldTheGate()
    {
        await _harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);
        Flag("false");
        _gate.Check();
        Flag("true");

        Assert.True(_gate.Check());
        Assert.Equal(1, _harness.Count("jobs", "state = 'pending'"));
    }

    [Fact]
    public async Task Check_FlagBackToFalseBeforeDrained_Reopens()
    {
        var jobId = Assert.Single((await _harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0)).Decisions).JobId;
        _harness.Scalar($"UPDATE jobs SET state = 'launched' WHERE id = '{jobId}'");
        Flag("false");
        _gate.Check();
        Flag("true");
        _gate.Check();

        Flag("false");

        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.Open, _gate.Phase);
        Assert.Equal(1, _logger.Count("ShutdownResumed"));
    }

    [Fact]
    public void Check_FlagBackToFalseAfterDrained_StaysDrained()
    {
        // deploy-conductor.sh relies on this: a rollback that comes too late finds the ready file and a conductor
        // on its way out, never one that drained and then resumed.
        Flag("false");
        _gate.Check();
        Flag("true");
        Assert.True(_gate.Check());

        Flag("false");

        Assert.True(_gate.Check());
        Assert.Equal(GatePhase.Drained, _gate.Phase);
        Assert.True(File.Exists(_options.ReadyPath));
        Assert.Equal(0, _logger.Count("ShutdownResumed"));
    }

    [Theory]
    [InlineData("yes please")]
    [InlineData("TRUE-ish")]
    [InlineData("\u0000\u0001")]
    public void Check_GarbageFlag_CountsAsNotShuttingDownAndIsLoggedOnce(string content)
    {
        Flag(content);

        _gate.Check();
        _gate.Check();

        Assert.Equal(GatePhase.Open, _gate.Phase);
        Assert.Equal(1, _logger.Count("ShutdownFlagUnreadable"));
    }

    [Fact]
    public void Check_FlagIsAFolder_CountsAsNotShuttingDown()
    {
        Directory.CreateDirectory(_options.FlagPath);

        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.Open, _gate.Phase);
        Assert.Contains(_logger.Entries, e => e.EventName == "ShutdownFlagUnreadable" && e.Message.Contains("folder", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_MissingFlag_IsOpen()
    {
        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.Open, _gate.Phase);
    }

    [Fact]
    public void Check_FlagAlreadyTrueAtStartup_HoldsWorkButNeverExits()
    {
        Flag("true");

        Assert.False(_gate.Check());
        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.HeldAtStartup, _gate.Phase);
        Assert.True(_gate.IsClosed);

        Flag("false");
        Assert.False(_gate.Check());
        Assert.Equal(GatePhase.Open, _gate.Phase);
    }

    [Fact]
    public void Check_StaleReadyFileAtStartup_IsRemoved()
    {
        File.WriteAllText(_options.ReadyPath, "true");
        Flag("false");

        _gate.Check();

        Assert.False(File.Exists(_options.ReadyPath));
    }

    [Fact]
    public async Task Service_DrainedGate_StopsTheHost()
    {
        var time = new TimerTrackingTimeProvider(T0);
        var gate = new ShutdownGate(Options.Create(_options), _harness.Database, time, _logger);
        var lifetime = new RecordingLifetime();
        Flag("false");
        using var service = new ShutdownGateService(gate, Options.Create(_options), time, lifetime);
        await service.StartAsync(TestContext.Current.CancellationToken);

        await time.WaitForTimersAsync();
        Flag("true");
        time.Advance(_options.PollInterval);
        await lifetime.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(File.Exists(_options.ReadyPath));
        await service.StopAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        _harness.Dispose();
        _directory.Dispose();
    }

    private void Flag(string content) => File.WriteAllText(_options.FlagPath, content);

    private sealed class RecordingLifetime : IHostApplicationLifetime
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped.TrySetResult();
    }
}
