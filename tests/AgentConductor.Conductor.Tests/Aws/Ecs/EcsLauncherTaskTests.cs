using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>DescribeTasks, StopTask and ListTasks through the launcher: what the reconciler learns about tasks.</summary>
public sealed class EcsLauncherTaskTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetStatus_TaskLifecycle_RunningUntilTheWorkerExitsThenItsExitCode()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        var task = Assert.Single(bed.Ecs.Tasks);

        Assert.Equal(WorkerStatus.Running, await bed.Launcher.GetStatusAsync(worker.Reference, Ct));
        Assert.Equal("PENDING", task.LastStatus);
        Assert.Equal(WorkerStatus.Running, await bed.Launcher.GetStatusAsync(worker.Reference, Ct));
        Assert.Equal("RUNNING", task.LastStatus);
        bed.Ecs.Exit(task, 20);

        Assert.Equal(WorkerStatus.Exited(20), await bed.Launcher.GetStatusAsync(worker.Reference, Ct));
        var describe = bed.Ecs.Requests("DescribeTasks")[^1];
        Assert.Equal($$"""{"cluster":"agent-conductor","tasks":["{{worker.Reference}}"]}""", describe.GetRawText());
        bed.AssertAllRequestsValid();
    }

    [Fact]
    public async Task GetStatus_TaskFailedToStart_IsGoneWithStopCodeAndContainerReason()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        var task = Assert.Single(bed.Ecs.Tasks);
        bed.Ecs.FailToStart(task, "CannotPullContainerError: pull access denied for agent-worker");

        var status = Assert.IsType<WorkerStatus.GoneStatus>(await bed.Launcher.GetStatusAsync(worker.Reference, Ct));

        Assert.Equal(
            $"ECS task {task.Id} stopped (TaskFailedToStart): Task failed to start; container worker: CannotPullContainerError: pull access denied for agent-worker",
            status.Reason);
    }

    [Fact]
    public async Task GetStatus_TaskEcsNoLongerKnows_IsGoneAsMissing()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        bed.Ecs.Forget(Assert.Single(bed.Ecs.Tasks));

        var status = Assert.IsType<WorkerStatus.GoneStatus>(await bed.Launcher.GetStatusAsync(worker.Reference, Ct));

        Assert.StartsWith($"ECS does not know task {Assert.Single(bed.Ecs.Tasks).Id} (MISSING)", status.Reason, StringComparison.Ordinal);
        bed.AssertAllRequestsValid();
    }

    [Fact]
    public async Task GetStatus_ReferenceOfAnotherLauncher_IsGoneWithoutAskingEcs()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var status = Assert.IsType<WorkerStatus.GoneStatus>(await bed.Launcher.GetStatusAsync(EcsTestbed.JobId, Ct));

        Assert.Contains("is not an ECS task ARN", status.Reason, StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Requests("DescribeTasks"));
    }

    [Fact]
    public async Task Stop_RunningTask_SendsStopTaskWithTheReasonAndTheWorkerExitsOnSigterm()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        var task = Assert.Single(bed.Ecs.Tasks);
        bed.Ecs.Start(task);

        await bed.Launcher.StopAsync(worker.Reference, TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(
            $$"""{"cluster":"agent-conductor","task":"{{worker.Reference}}","reason":"{{EcsLauncher.StopReason}}"}""",
            Assert.Single(bed.Ecs.Requests("StopTask")).GetRawText());
        Assert.Equal(("STOPPED", "STOPPING"), (task.DesiredStatus, task.LastStatus));
        Assert.Empty(task.Tags);
        Assert.Equal(WorkerStatus.Exited(143), await bed.Launcher.GetStatusAsync(worker.Reference, Ct));
        Assert.Equal(1, bed.Log.Count("EcsTaskStopRequested"));
        bed.AssertAllRequestsValid();
    }

    [Fact]
    public async Task Stop_TaskAlreadyStoppedOrForgotten_Succeeds()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var stopped = await bed.Launcher.LaunchAsync(EcsTestbed.Request(jobId: "01jcsbq9m4y7d2k8x5w3n6r1tb"), Ct);
        var forgotten = await bed.Launcher.LaunchAsync(EcsTestbed.Request(jobId: "01jcsbq9m4y7d2k8x5w3n6r1tc"), Ct);
        bed.Ecs.Exit(bed.Ecs.Tasks[0], 0);
        bed.Ecs.Forget(bed.Ecs.Tasks[1]);

        await bed.Launcher.StopAsync(stopped.Reference, TimeSpan.Zero, Ct);
        await bed.Launcher.StopAsync(forgotten.Reference, TimeSpan.Zero, Ct);

        Assert.Equal(WorkerStatus.Exited(0), await bed.Launcher.GetStatusAsync(stopped.Reference, Ct));
        Assert.Equal(1, bed.Log.Count("EcsTaskAlreadyGone"));
        Assert.Equal(2, bed.Ecs.Requests("StopTask").Count);
    }

    [Fact]
    public async Task List_RunningTasksOfThisConductor_AcrossPagesWithTheirJobs_StartedByTheOnlyFilter()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        bed.Ecs.ListPageSize = 1;
        string[] jobs = ["01jcsbq9m4y7d2k8x5w3n6r1t1", "01jcsbq9m4y7d2k8x5w3n6r1t2", "01jcsbq9m4y7d2k8x5w3n6r1t3", "01jcsbq9m4y7d2k8x5w3n6r1t4"];
        foreach (var job in jobs)
        {
            await bed.Launcher.LaunchAsync(EcsTestbed.Request(jobId: job), Ct);
        }

        bed.Ecs.Tasks.ToList().ForEach(bed.Ecs.Start);
        bed.Ecs.Exit(bed.Ecs.TaskOf(jobs[1])!, 10);
        await bed.Launcher.StopAsync(bed.Ecs.TaskOf(jobs[2])!.Arn, TimeSpan.Zero, Ct); // StopTask deletes its tags
        bed.Ecs.Add("01jcsbq9m4y7d2k8x5w3n6r1t9", startedBy: "someone-else");

        var known = await bed.Launcher.ListAsync(Ct);

        bed.AssertAllRequestsValid();
        Assert.Equal(
            [(jobs[0], "Running"), (jobs[3], "Running")],
            known.OrderBy(k => k.JobId, StringComparer.Ordinal).Select(k => (k.JobId, Describe(k.Status))));
        Assert.All(known, k => Assert.Equal(bed.Ecs.TaskOf(k.JobId)!.Arn, k.Reference));
        var lists = bed.Ecs.Requests("ListTasks");
        Assert.All(lists, l => Assert.False(l.TryGetProperty("desiredStatus", out _)));
        Assert.All(lists, l => Assert.Equal("agent-conductor", l.GetProperty("startedBy").GetString()));
        Assert.Equal([false, true], lists.Select(l => l.TryGetProperty("nextToken", out _)));
        Assert.Equal("""["TAGS"]""", Assert.Single(bed.Ecs.Requests("DescribeTasks")).GetProperty("include").GetRawText());
    }

    private static string Describe(WorkerStatus status) => status switch
    {
        WorkerStatus.ExitedStatus exited => $"Exited({exited.ExitCode})",
        WorkerStatus.GoneStatus => "Gone",
        _ => "Running",
    };
}
