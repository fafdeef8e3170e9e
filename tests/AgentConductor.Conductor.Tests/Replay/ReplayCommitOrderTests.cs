using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.Conductor.Tests.Intake.Sqs;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Replay;

/// <summary>
/// A recorded database replays in the order the scheduler committed its messages, not in receive order: concurrent
/// pollers stamp a batch's receive time before they queue for the single writer, so the two orders can differ.
/// </summary>
public sealed class ReplayCommitOrderTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private static readonly string[] Accounts = ["111111111111", "222222222222", "333333333333"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replay_BatchReceivedLaterButCommittedFirst_ComparesCleanly()
    {
        using var directory = new TempDirectory();
        var recorded = directory.File("recorded.db");
        using (var harness = new SchedulerHarness())
        {
            // Poller 2 received at T0+5s and won the writer; poller 1's batch, received at T0, committed after it.
            await harness.SendBatchAsync([new InboundMessage("b1", Messages.Alarm(Accounts[0], T0.AddMinutes(1)), T0.AddSeconds(5))]);
            await harness.SendBatchAsync([new InboundMessage("a1", Messages.Alarm(Accounts[0], T0), T0)]);
            harness.Scalar($"VACUUM INTO '{recorded}'");
        }

        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(["replay", recorded, "--compare"]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("compare: same 1 decisions as recorded", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_DatabaseWrittenByTwoConcurrentPollers_ComparesCleanly()
    {
        const int Count = 240;
        var queue = await fixture.Emulator.CreateQueueAsync($"commit-order-{Guid.NewGuid():N}", cancellationToken: Ct);
        for (var i = 0; i < Count; i++)
        {
            // Interleaved accounts; every 40th alarm of an account comes after a two-hour gap, so each account has several incidents.
            var account = Accounts[i % Accounts.Length];
            var at = T0.AddMinutes((i / Accounts.Length * 3) + (i / 120 * 120));
            await fixture.Emulator.SendAsync(queue, Messages.Alarm(account, at), Ct);
        }

        using var directory = new TempDirectory();
        var recorded = directory.File("recorded.db");
        using (var rig = new SqsIntakeRig())
        {
            var options = new SqsIntakeOptions { QueueUrl = queue, WaitTimeSeconds = 1, MaxMessages = 10 };
            var pollers = Enumerable.Range(0, 2).Select(_ => rig.Poller(fixture.Emulator.Client, options)).ToList();
            await Task.WhenAll(pollers.Select(poller => Task.Run(() => PollUntilStoredAsync(rig, poller, Count), Ct)));
            Assert.Equal((long)Count, rig.Count("events"));
            rig.Scalar($"VACUUM INTO '{recorded}'");
        }

        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(["replay", recorded, "--compare"]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("compare: same", stdout, StringComparison.Ordinal);
    }

    private static async Task PollUntilStoredAsync(SqsIntakeRig rig, SqsPoller poller, int count)
    {
        for (var polls = 0; rig.Count("events") < count; polls++)
        {
            Assert.True(polls < 200, $"only {rig.Count("events")} of {count} messages stored after {polls} polls");
            await poller.RunOnceAsync(Ct);
        }
    }
}
