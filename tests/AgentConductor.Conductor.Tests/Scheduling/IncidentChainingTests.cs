using AgentConductor.Conductor.Scheduling;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Scheduling;

public sealed class IncidentChainingTests
{
    private const string Account = "111122223333";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Schedule_AlarmsWithinWindow_JoinOneIncidentWithOneJob()
    {
        using var harness = new SchedulerHarness();

        var first = await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);
        var second = await harness.SendAsync("a2", Messages.Alarm(Account, T0.AddMinutes(40)), T0.AddMinutes(40));
        var third = await harness.SendAsync("a3", Messages.Alarm(Account, T0.AddMinutes(100)), T0.AddMinutes(100));

        var decision = Assert.Single(first.Decisions);
        Assert.Equal(DecisionKind.Incident, decision.Kind);
        Assert.Equal(Account, decision.Account);
        Assert.Empty(second.Decisions);
        Assert.Empty(third.Decisions);
        Assert.Equal(3, Assert.Single(harness.LiveIncidents()).Count);
    }

    [Fact]
    public async Task Schedule_GapOfExactlyTheWindow_StillChains()
    {
        using var harness = new SchedulerHarness();

        await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);
        var atBoundary = await harness.SendAsync("a2", Messages.Alarm(Account, T0.AddHours(1)), T0.AddHours(1));
        var pastBoundary = await harness.SendAsync("a3", Messages.Alarm(Account, T0.AddHours(2).AddMilliseconds(1)), T0.AddHours(2));

        Assert.Empty(atBoundary.Decisions);
        Assert.Single(pastBoundary.Decisions);
        Assert.Equal(2, harness.LiveIncidents().Count);
    }

    [Fact]
    public async Task Schedule_OtherAccount_OpensItsOwnIncident()
    {
        using var harness = new SchedulerHarness();

        await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);
        var other = await harness.SendAsync("a2", Messages.Alarm("444455556666", T0.AddMinutes(1)), T0.AddMinutes(1));

        Assert.Equal("444455556666", Assert.Single(other.Decisions).Account);
    }

    [Fact]
    public async Task Schedule_StormLongerThanMaxSpan_OpensFreshIncident()
    {
        using var harness = new SchedulerHarness(new SchedulerOptions { MaxIncidentSpan = TimeSpan.FromHours(3) });
        var decisions = new List<Decision>();

        for (var minute = 0; minute <= 7 * 60; minute += 30)
        {
            var at = T0.AddMinutes(minute);
            decisions.AddRange((await harness.SendAsync($"a{minute}", Messages.Alarm(Account, at), at)).Decisions);
        }

        Assert.Equal(3, decisions.Count); // 0..180, 210..390, 420
        Assert.Equal([7, 7, 1], harness.LiveIncidents().Select(i => i.Count));
    }

    [Fact]
    public async Task Schedule_OkBetweenAlarms_IsContextAndDoesNotOpenIncident()
    {
        using var harness = new SchedulerHarness();

        await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);
        var ok = await harness.SendAsync("o1", Messages.Alarm(Account, T0.AddMinutes(10), "OK"), T0.AddMinutes(10));
        var insufficient = await harness.SendAsync("o2", Messages.Alarm(Account, T0.AddMinutes(20), "INSUFFICIENT_DATA"), T0.AddMinutes(20));
        await harness.SendAsync("a2", Messages.Alarm(Account, T0.AddMinutes(30)), T0.AddMinutes(30));

        Assert.Empty(ok.Decisions);
        Assert.Empty(insufficient.Decisions);
        var incident = Assert.Single(harness.LiveIncidents());
        Assert.Equal(2, incident.Count);
        Assert.Equal(2, harness.Count("alarms", "state <> 'ALARM' AND incident_id IS NOT NULL"));
    }

    [Fact]
    public async Task Schedule_OkWithNoOpenIncident_IsStoredUnattached()
    {
        using var harness = new SchedulerHarness();

        var ok = await harness.SendAsync("o1", Messages.Alarm(Account, T0, "OK"), T0);

        Assert.Empty(ok.Decisions);
        Assert.Empty(harness.LiveIncidents());
        Assert.Equal(1, harness.Count("alarms", "state = 'OK' AND incident_id IS NULL"));
    }

    [Fact]
    public async Task Schedule_LateAlarmBridgingTwoIncidents_MergesAndCancelsPendingJob()
    {
        using var harness = new SchedulerHarness();
        var first = await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);
        var second = await harness.SendAsync("a2", Messages.Alarm(Account, T0.AddMinutes(100)), T0.AddMinutes(100));

        var bridge = await harness.SendAsync("a3", Messages.Alarm(Account, T0.AddMinutes(50)), T0.AddMinutes(101));

        Assert.Empty(bridge.Decisions);
        var secondJob = Assert.Single(second.Decisions).JobId;
        Assert.Equal(secondJob, Assert.Single(bridge.CancelledJobIds));
        Assert.Equal(3, Assert.Single(harness.LiveIncidents()).Count);
        Assert.Equal(Assert.Single(first.Decisions).IncidentId, (long?)harness.Scalar("SELECT merged_into FROM incidents WHERE merged_into IS NOT NULL"));
    }

    [Fact]
    public async Task Schedule_AlarmsAfterRestart_KeepChaining()
    {
        using var harness = new SchedulerHarness();
        await harness.SendAsync("a1", Messages.Alarm(Account, T0), T0);

        harness.Restart();
        var after = await harness.SendAsync("a2", Messages.Alarm(Account, T0.AddMinutes(30)), T0.AddMinutes(30));

        Assert.Empty(after.Decisions);
        Assert.Equal(2, Assert.Single(harness.LiveIncidents()).Count);
    }

    [Fact]
    public async Task Schedule_AlarmWithoutTimestamps_UsesReceiveTime()
    {
        using var harness = new SchedulerHarness();
        const string raw = """{"AlarmName":"cpu","AWSAccountId":"111122223333","NewStateValue":"ALARM"}""";

        await harness.SendAsync("r1", raw, T0.AddMinutes(7));

        Assert.Equal(T0.AddMinutes(7).ToUnixTimeMilliseconds(), Assert.Single(harness.LiveIncidents()).First);
    }

    /// <summary>
    /// The grouping must be a function of the set of alarms: every arrival order, one at a time or in
    /// batches, must end in the incidents the rule gives for the sorted times.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Schedule_AnyArrivalOrder_GivesTheSameIncidents(int seed)
    {
        var random = new Random(seed);
        var options = new SchedulerOptions { ChainWindow = TimeSpan.FromMinutes(60), MaxIncidentSpan = TimeSpan.FromMinutes(150) };
        var accounts = new[] { "111111111111", "222222222222", "333333333333" };
        var alarms = Enumerable.Range(0, 60)
            .Select(i => (Id: $"a{i}", Account: accounts[random.Next(accounts.Length)], At: T0.AddMinutes(random.Next(0, 12 * 60))))
            .ToList();
        var expected = ExpectedIncidents(alarms, options);

        for (var order = 0; order < 3; order++)
        {
            var shuffled = alarms.OrderBy(_ => random.Next()).ToList();
            using var harness = new SchedulerHarness(options);
            var batchSize = order + 1;
            for (var i = 0; i < shuffled.Count; i += batchSize)
            {
                await harness.SendBatchAsync(shuffled.Skip(i).Take(batchSize)
                    .Select((a, k) => new InboundMessage(a.Id, Messages.Alarm(a.Account, a.At), T0.AddSeconds(i + k))).ToList());
            }

            Assert.Equal(expected, harness.LiveIncidents());
            Assert.Equal(alarms.Count, harness.Count("alarms", "incident_id IN (SELECT id FROM incidents WHERE merged_into IS NULL)"));
        }
    }

    private static List<(string, long, long, long)> ExpectedIncidents(List<(string Id, string Account, DateTimeOffset At)> alarms, SchedulerOptions options)
    {
        var expected = new List<(string, long, long, long)>();
        foreach (var account in alarms.GroupBy(a => a.Account).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var times = account.Select(a => a.At.ToUnixTimeMilliseconds()).Order().ToList();
            foreach (var (start, count) in IncidentSegmenter.Segment(times, (long)options.ChainWindow.TotalMilliseconds, (long)options.MaxIncidentSpan.TotalMilliseconds))
            {
                expected.Add((account.Key, times[start], times[start + count - 1], count));
            }
        }

        return expected;
    }
}
