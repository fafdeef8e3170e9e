using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>The reconciler's batch status call on ECS: DescribeTasks with at most 100 task ARNs each.</summary>
public sealed class EcsLauncherStatusBatchTests
{
    private const string NotAnArn = "01jcsbq9m4y7d2k8x5w3n6r1ta";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetStatuses_250Tasks_ThreeDescribeTasksOf100And100And50WithEachTasksStatus()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var tasks = AddRunning(bed.Ecs, 250);
        bed.Ecs.Exit(tasks[10], 20);
        bed.Ecs.Exit(tasks[150], 0);
        bed.Ecs.Forget(tasks[220]);
        var arns = tasks.Select(t => t.Arn).ToList();

        var statuses = await bed.Launcher.GetStatusesAsync([.. arns, NotAnArn], Ct);

        bed.AssertAllRequestsValid();
        var requests = bed.Ecs.Requests("DescribeTasks");
        Assert.Equal([100, 100, 50], requests.Select(r => r.GetProperty("tasks").GetArrayLength()));
        Assert.Equal(arns, requests.SelectMany(r => r.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()!)));
        Assert.All(requests, r => Assert.Equal("agent-conductor", r.GetProperty("cluster").GetString()));
        Assert.All(requests, r => Assert.False(r.TryGetProperty("include", out _)));
        Assert.Empty(statuses.Failures);
        Assert.Equal(WorkerStatus.Exited(20), Status(statuses, tasks[10].Arn));
        Assert.Equal(WorkerStatus.Exited(0), Status(statuses, tasks[150].Arn));
        Assert.Equal(
            WorkerStatus.Gone($"ECS does not know task {tasks[220].Id} (MISSING); stopped tasks are kept for about an hour"),
            Status(statuses, tasks[220].Arn));
        Assert.Equal(
            WorkerStatus.Gone($"'{NotAnArn}' is not an ECS task ARN (was the job launched by another launcher?)"),
            Status(statuses, NotAnArn));
        Assert.Equal(247, arns.Count(a => Status(statuses, a) == WorkerStatus.Running));
    }

    [Fact]
    public async Task GetStatuses_SecondChunkThrottled_TheOtherChunksKeepTheirStatuses()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var tasks = AddRunning(bed.Ecs, 250);
        bed.Ecs.Exit(tasks[0], 20);
        bed.Ecs.Exit(tasks[249], 1);
        bed.Ecs.ThrottleNext("DescribeTasks", times: 3, after: 1); // every attempt of the client's retry policy
        var arns = tasks.Select(t => t.Arn).ToList();

        var statuses = await bed.Launcher.GetStatusesAsync(arns, Ct);

        bed.AssertAllRequestsValid();
        Assert.Equal([100, 100, 100, 100, 50], bed.Ecs.Requests("DescribeTasks").Select(r => r.GetProperty("tasks").GetArrayLength()));
        var failure = Assert.Single(statuses.Failures);
        Assert.Equal(arns[100..200], failure.References);
        Assert.IsType<AwsThrottledException>(failure.Error);
        Assert.All(arns[100..200], a => Assert.False(statuses.TryGet(a, out _)));
        Assert.Equal(WorkerStatus.Exited(20), Status(statuses, arns[0]));
        Assert.Equal(WorkerStatus.Exited(1), Status(statuses, arns[249]));
        Assert.All(arns[1..100].Concat(arns[200..249]), a => Assert.Equal(WorkerStatus.Running, Status(statuses, a)));
    }

    [Fact]
    public async Task GetStatuses_OnlyReferencesOfAnotherLauncher_AsksEcsNothing()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var statuses = await bed.Launcher.GetStatusesAsync([NotAnArn, "fake/" + NotAnArn], Ct);

        Assert.IsType<WorkerStatus.GoneStatus>(Status(statuses, NotAnArn));
        Assert.IsType<WorkerStatus.GoneStatus>(Status(statuses, "fake/" + NotAnArn));
        Assert.Empty(bed.Ecs.Requests("DescribeTasks"));
    }

    private static List<FakeEcsTask> AddRunning(FakeEcs ecs, int count) =>
        [.. Enumerable.Range(0, count).Select(i => ecs.Add($"01jcsbq9m4y7d2k8x5w3n{i:d5}"))];

    private static WorkerStatus Status(WorkerStatuses statuses, string reference) =>
        statuses.TryGet(reference, out var status) ? status : throw new Xunit.Sdk.XunitException($"no status for {reference}");
}
