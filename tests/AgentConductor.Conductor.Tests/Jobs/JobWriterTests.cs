using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class JobWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryMove_FromTheCurrentState_MovesAndAudits()
    {
        using var harness = new SchedulerHarness();
        var jobId = Assert.Single((await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0)).Decisions).JobId;

        var moved = Write(harness, writer => writer.TryMove(jobId, JobState.Pending, JobState.Launching, "dispatcher", T0.AddSeconds(1)));

        Assert.True(moved);
        Assert.Equal("launching", harness.Scalar($"SELECT state FROM jobs WHERE id = '{jobId}'"));
        Assert.Equal(2, harness.Count("job_events", $"job_id = '{jobId}'"));
    }

    [Fact]
    public async Task TryMove_FromAStaleState_ChangesNothing()
    {
        using var harness = new SchedulerHarness();
        var jobId = Assert.Single((await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0)).Decisions).JobId;

        var moved = Write(harness, writer => writer.TryMove(jobId, JobState.Launching, JobState.Launched, "stale", T0.AddSeconds(1)));

        Assert.False(moved);
        Assert.Equal("pending", harness.Scalar($"SELECT state FROM jobs WHERE id = '{jobId}'"));
        Assert.Equal(1, harness.Count("job_events", $"job_id = '{jobId}'"));
    }

    [Fact]
    public void TryMove_NotInTransitionTable_Throws()
    {
        using var harness = new SchedulerHarness();

        Assert.Throws<InvalidOperationException>(() => Write(harness, writer => writer.TryMove("x", JobState.Succeeded, JobState.Running, "no", T0)));
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("running", false)]
    [InlineData("succeeded", true)]
    [InlineData("no_changes", true)]
    [InlineData("lost", true)]
    public void IsTerminal_MatchesTheLifecycle(string state, bool terminal) =>
        Assert.Equal(terminal, JobStates.IsTerminal(JobStates.Parse(state)));

    [Fact]
    public void StateNames_RoundTrip()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            Assert.Equal(state, JobStates.Parse(JobStates.ToName(state)));
        }
    }

    [Fact]
    public void JobIds_AreSortableUniqueAndBranchSafe()
    {
        var earlier = JobIds.New(T0);
        var later = JobIds.New(T0.AddMilliseconds(1));

        Assert.Equal(26, earlier.Length);
        Assert.Matches("^[0-9a-z]{26}$", earlier);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.NotEqual(JobIds.New(T0), JobIds.New(T0));
    }

    private static bool Write(SchedulerHarness harness, Func<JobWriter, bool> action)
    {
        using var connection = harness.Database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var statements = new Statements(connection) { Transaction = transaction };
        var result = action(new JobWriter(statements));
        transaction.Commit();
        return result;
    }
}
