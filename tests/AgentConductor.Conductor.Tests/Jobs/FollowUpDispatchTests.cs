using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.TestSupport.GitHubWebhooks;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

/// <summary>The dispatcher with follow-ups: the coalescing wait, one at a time per pull request, the parent's route and caps.</summary>
public sealed class FollowUpDispatchTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FollowUp_WaitsOutItsWindow_ThenLaunchesOnItsParentsRouteNotTheRoutes()
    {
        using var jobs = Harness();
        var (parent, pr) = await OpenPullRequestAsync(jobs, "PAY-1");
        jobs.Router.Rule = _ => new JobRoute("https://elsewhere.example/other.git", "develop");
        var followUp = await ReviewAsync(jobs, pr, "d1");

        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));
        var waiting = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal((followUp, WaitReason.Coalescing), (waiting.JobId, waiting.Reason));
        Assert.Contains("FollowUps:CoalesceWindow", waiting.Detail, StringComparison.Ordinal);

        jobs.Time.Advance(Window);
        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));
        jobs.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));

        var launch = jobs.Launcher.Launches.Last();
        Assert.Equal((followUp, "followup", parent, "https://git.example/acme/PAY-1.git", "main"), (launch.JobId, launch.Kind, launch.Subject, launch.CloneUrl, launch.BaseBranch));
        Assert.Equal(JobState.Launched, jobs.State(followUp));
    }

    [Fact]
    public async Task FollowUp_WhoseParentNeverLaunched_FailsWithTheReason()
    {
        using var jobs = Harness();
        var parent = await jobs.AddTicketAsync("PAY-1");
        var pr = new PullRequestRef("acme/pay", 7, $"agent/{parent}/fix");
        // A result without a launch: no route was recorded for the parent.
        jobs.Scheduler.Scalar($"INSERT INTO job_results (job_id, status, pull_request_url, branch, reported_at) VALUES ('{parent}', 'succeeded', '{pr.HtmlUrl}', '{pr.HeadRef}', 0)");
        jobs.Store.Move(parent, JobState.Pending, JobState.Cancelled, "test", jobs.Time.GetUtcNow());
        var followUp = await ReviewAsync(jobs, pr, "d1");
        jobs.Time.Advance(Window + TimeSpan.FromSeconds(1));

        await jobs.Dispatcher.RunOnceAsync(Ct);

        Assert.Equal(JobState.Failed, jobs.State(followUp));
        Assert.Contains("its parent job never launched", jobs.Reason(followUp), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowUps_OfOnePullRequest_RunOneAtATimeInOrder()
    {
        using var jobs = Harness(new DispatchOptions { MaxActive = 10, MaxActivePerProject = 10 });
        var (_, pr) = await OpenPullRequestAsync(jobs, "PAY-1");
        var first = await ReviewAsync(jobs, pr, "d1");
        jobs.Time.Advance(Window + TimeSpan.FromMinutes(1));
        var second = await ReviewAsync(jobs, pr, "d2");
        jobs.Time.Advance(Window + TimeSpan.FromMinutes(1));
        // The first waits on a failed launch's backoff; the second must not overtake it.
        jobs.Launcher.FailNext(1);
        await jobs.Dispatcher.RunOnceAsync(Ct);
        Assert.Equal(JobState.Pending, jobs.State(first));

        var queue = jobs.Dispatcher.QueuePositions();

        Assert.Equal([(first, WaitReason.Backoff), (second, WaitReason.PreviousFollowUp)], queue.Select(q => (q.JobId, q.Reason)));
        Assert.Contains($"follow-up 1 ({first}) of the same pull request is pending", queue[1].Detail, StringComparison.Ordinal);

        jobs.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        Assert.Equal((JobState.Launched, JobState.Pending), (jobs.State(first), jobs.State(second)));
        Assert.Equal(WaitReason.PreviousFollowUp, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);

        jobs.Move(first, JobState.Launched, JobState.Failed);
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        Assert.Equal(JobState.Launched, jobs.State(second));
    }

    [Fact]
    public async Task FollowUp_CountsAgainstItsParentsProjectCapAndClaimsItsRepository()
    {
        using var jobs = Harness(new DispatchOptions { MaxActivePerProject = 1 });
        var (_, pr) = await OpenPullRequestAsync(jobs, "PAY-1");
        var followUp = await ReviewAsync(jobs, pr, "d1");
        var sibling = await jobs.AddTicketAsync("PAY-2");
        jobs.Time.Advance(Window + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));

        Assert.Equal(JobState.Launched, jobs.State(followUp));
        var waiting = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal((sibling, WaitReason.MaxActivePerProject), (waiting.JobId, waiting.Reason));
        Assert.Equal("https://git.example/acme/PAY-1", jobs.Job(followUp).Repository);
    }

    [Fact]
    public async Task FollowUp_WaitsForTheShutdownGate()
    {
        using var jobs = Harness();
        var (_, pr) = await OpenPullRequestAsync(jobs, "PAY-1");
        var followUp = await ReviewAsync(jobs, pr, "d1");
        jobs.Time.Advance(Window + TimeSpan.FromSeconds(1));
        jobs.CloseGate();

        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));

        Assert.Equal(JobState.Pending, jobs.State(followUp));
        Assert.Equal(WaitReason.ShutdownGate, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
    }

    private static JobsHarness Harness(DispatchOptions? dispatch = null) =>
        new(dispatch, followUps: GitHubDeliveries.Settings(new FollowUpOptions { CoalesceWindow = Window }));

    /// <summary>A ticket job launched by the dispatcher (its route recorded) whose worker opened a pull request.</summary>
    private static async Task<(string JobId, PullRequestRef PullRequest)> OpenPullRequestAsync(JobsHarness jobs, string key)
    {
        var parent = await jobs.AddTicketAsync(key);
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        var pr = new PullRequestRef("acme/pay", 7, $"agent/{parent}/fix");
        GitHubDeliveries.ReportPullRequest(jobs.Scheduler.Database, parent, pr, jobs.Time.GetUtcNow(), cloneUrl: "https://elsewhere.example/not-used.git", baseBranch: "not-used");
        return (parent, pr);
    }

    private static async Task<string> ReviewAsync(JobsHarness jobs, PullRequestRef pr, string deliveryId)
    {
        var result = await jobs.Scheduler.SendDeliveryAsync(
            "pull_request_review", GitHubPayloads.Review(pr, 900 + deliveryId[^1], "maria", "changes_requested"), jobs.Time.GetUtcNow(), deliveryId);
        return Assert.Single(result.Decisions).JobId;
    }
}
