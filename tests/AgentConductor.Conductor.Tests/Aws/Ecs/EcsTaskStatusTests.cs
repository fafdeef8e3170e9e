using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

public sealed class EcsTaskStatusTests
{
    private const string Arn = "arn:aws:ecs:eu-west-1:123456789012:task/agents/5f3c0a1b2c3d4e5f60718293a4b5c6d7";

    [Theory]
    [InlineData("PROVISIONING", null, null)]
    [InlineData("RUNNING", "RUNNING", null)]
    [InlineData("STOPPING", "RUNNING", null)] // StopTask sent; the worker still runs its SIGTERM handler
    public void Of_WorkerContainerNotStopped_IsRunning(string taskStatus, string? containerStatus, int? exitCode) =>
        Assert.Equal(WorkerStatus.Running, EcsTaskStatus.Of(Task(taskStatus, containerStatus, exitCode), "worker"));

    [Fact]
    public void Of_WorkerContainerStoppedWhileTheTaskDeprovisions_IsExitedAlready() =>
        Assert.Equal(WorkerStatus.Exited(10), EcsTaskStatus.Of(Task("DEPROVISIONING", "STOPPED", 10), "worker"));

    [Fact]
    public void Of_ExitCodeOfAnotherContainer_DoesNotCount()
    {
        var task = Task("STOPPED", "STOPPED", null) with
        {
            StopCode = "EssentialContainerExited",
            StoppedReason = "Essential container in task exited",
            Containers = [new EcsContainer { Name = "log-router", LastStatus = "STOPPED", ExitCode = 1 }, new EcsContainer { Name = "worker", LastStatus = "STOPPED", Reason = "OutOfMemoryError: Container killed due to memory usage" }],
        };

        var gone = Assert.IsType<WorkerStatus.GoneStatus>(EcsTaskStatus.Of(task, "worker"));

        Assert.Equal(
            "ECS task 5f3c0a1b2c3d4e5f60718293a4b5c6d7 stopped (EssentialContainerExited): Essential container in task exited; container worker: OutOfMemoryError: Container killed due to memory usage",
            gone.Reason);
    }

    [Fact]
    public void JobIdOf_PrefersTheOverrideAndFallsBackToTheTag()
    {
        var fromOverride = Task("RUNNING", "RUNNING", null) with
        {
            Overrides = new TaskOverride([new ContainerOverride("worker", [new EcsEnvironmentVariable("JOB_TOKEN", "secret"), new EcsEnvironmentVariable("JOB_ID", "job-a")])]),
            Tags = [new EcsTag(EcsTags.JobId, "job-b")],
        };
        var fromTag = fromOverride with { Overrides = null };

        Assert.Equal(("job-a", "job-b"), (EcsTaskStatus.JobIdOf(fromOverride, "worker"), EcsTaskStatus.JobIdOf(fromTag, "worker")));
        Assert.DoesNotContain("secret", fromOverride.Overrides!.ContainerOverrides[0].Environment![0].ToString(), StringComparison.Ordinal);
    }

    private static EcsTask Task(string status, string? containerStatus, int? exitCode) => new()
    {
        TaskArn = Arn,
        LastStatus = status,
        Containers = containerStatus is null ? [] : [new EcsContainer { Name = "worker", LastStatus = containerStatus, ExitCode = exitCode }],
    };
}
