using System.Diagnostics;
using System.Globalization;
using AgentConductor.Worker.Processes;
using static AgentConductor.Worker.Tests.Processes.ProcessTestHelpers;

namespace AgentConductor.Worker.Tests.Processes;

/// <summary>Timeout and cancellation: interrupt the tree, wait the grace period, then kill. Real processes, short real timeouts.</summary>
public sealed class ProcessRunnerStopTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(500);
    private readonly List<string> _lines = [];

    private CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_TimeoutAndChildHonoursSigint_InterruptedWithoutKill()
    {
        var spec = Node("console.log('ready'); setInterval(() => {}, 1000)") with { Timeout = Short, InterruptGrace = TimeSpan.FromSeconds(10) };

        var result = await Runner().RunAsync(spec, Collect, Token);

        Assert.True(result.TimedOut);
        Assert.False(result.Cancelled);
        Assert.False(result.Killed);
        Assert.Equal(130, result.ExitCode); // 128 + SIGINT
        Assert.True(result.Duration < spec.InterruptGrace, $"took {result.Duration}"); // it did not sit out the grace
    }

    [Fact]
    public async Task RunAsync_TimeoutAndChildTrapsSigint_InterruptedThenKilledAfterGrace()
    {
        // Two seconds leave the shell time to install its trap even on a loaded machine; the grace leaves it time to run
        // the trap (after its sleep ends) and print, which half a second did not on a loaded machine.
        var timeout = TimeSpan.FromSeconds(2);
        var grace = TimeSpan.FromSeconds(3);
        var spec = Shell("trap 'echo got-sigint' INT; echo ready; while :; do sleep 0.1; done") with { Timeout = timeout, InterruptGrace = grace };
        var watch = Stopwatch.StartNew();

        var result = await Runner().RunAsync(spec, Collect, Token);

        Assert.True(result.TimedOut);
        Assert.True(result.Killed);
        Assert.Equal(137, result.ExitCode); // 128 + SIGKILL
        Assert.Contains("got-sigint", _lines);
        Assert.True(watch.Elapsed >= timeout + grace - TimeSpan.FromMilliseconds(50), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_Cancelled_InterruptsAndReportsCancelled()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var spec = Node("console.log('ready'); setInterval(() => {}, 1000)") with { Timeout = TimeSpan.FromSeconds(30) };

        var result = await Runner().RunAsync(spec, async line =>
        {
            _lines.Add(line.Text);
            await cancel.CancelAsync();
        }, cancel.Token);

        Assert.True(result.Cancelled);
        Assert.False(result.TimedOut);
        Assert.Equal(130, result.ExitCode);
        Assert.Equal(["ready"], _lines);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeStart_Throws()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Runner().RunAsync(Shell("echo never"), Collect, new CancellationToken(canceled: true)));
        Assert.Empty(_lines);
    }

    [Fact]
    public async Task RunAsync_GrandchildIgnoresSigintAndParentExits_GrandchildKilled()
    {
        // The grandchild ignores SIGINT and prints its pid only once it does (so the cancel cannot race the trap);
        // the shell itself dies of SIGINT and orphans it.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var spec = Shell("sh -c 'trap \"\" INT; echo $$; exec sleep 300' & wait") with { InterruptGrace = TimeSpan.FromSeconds(2) };

        var result = await Runner().RunAsync(spec, CollectThenCancel(cancel), cancel.Token);

        var grandchild = int.Parse(_lines.Single(), CultureInfo.InvariantCulture);
        Assert.True(result.Cancelled);
        Assert.True(result.Killed);
        Assert.True(await IsGoneWithinAsync(grandchild, TimeSpan.FromSeconds(5)), $"process {grandchild} still runs");
    }

    [Fact]
    public async Task RunAsync_WholeTreeIgnoresSigint_TreeKilled()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var spec = Shell("trap '' INT; sleep 300 & echo $!; wait") with { InterruptGrace = Short };

        var result = await Runner().RunAsync(spec, CollectThenCancel(cancel), cancel.Token);

        var grandchild = int.Parse(_lines.Single(), CultureInfo.InvariantCulture);
        Assert.True(result.Killed);
        Assert.Equal(137, result.ExitCode);
        Assert.True(await IsGoneWithinAsync(grandchild, TimeSpan.FromSeconds(5)), $"process {grandchild} still runs");
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_ProcessStoppedAndExceptionSurfaces()
    {
        var spec = Node("console.log(process.pid); setInterval(() => console.log('tick'), 50)") with { InterruptGrace = Short };
        var pid = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Runner().RunAsync(spec, line =>
        {
            pid = int.Parse(line.Text, CultureInfo.InvariantCulture);
            throw new InvalidOperationException("handler broke");
        }, Token));

        Assert.NotEqual(0, pid);
        Assert.True(await IsGoneWithinAsync(pid, TimeSpan.FromSeconds(5)), $"process {pid} still runs");
    }

    private Func<OutputLine, ValueTask> CollectThenCancel(CancellationTokenSource cancel) => async line =>
    {
        _lines.Add(line.Text);
        await cancel.CancelAsync();
    };

    private ValueTask Collect(OutputLine line)
    {
        _lines.Add(line.Text);
        return ValueTask.CompletedTask;
    }
}
