namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>A task as <c>RunTask</c>, <c>DescribeTasks</c> and <c>StopTask</c> return it (the fields the launcher reads).</summary>
internal sealed record EcsTask
{
    public string TaskArn { get; init; } = "";

    /// <summary>PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING or STOPPED.</summary>
    public string? LastStatus { get; init; }

    public string? DesiredStatus { get; init; }

    /// <summary>TaskFailedToStart, EssentialContainerExited, UserInitiated, SpotInterruption ... once stopping.</summary>
    public string? StopCode { get; init; }

    public string? StoppedReason { get; init; }

    public string? StartedBy { get; init; }

    /// <summary>The task's CPU units (1024 per vCPU) as ECS reports them, e.g. "1024"; its compute is priced by them.</summary>
    public string? Cpu { get; init; }

    /// <summary>The task's memory in MiB, e.g. "2048".</summary>
    public string? Memory { get; init; }

    public List<EcsContainer> Containers { get; init; } = [];

    public TaskOverride? Overrides { get; init; }

    /// <summary>Only when described with <c>include: ["TAGS"]</c>; ECS deletes a task's tags when it is stopped with StopTask.</summary>
    public List<EcsTag> Tags { get; init; } = [];

    public bool IsStopped => LastStatus == "STOPPED";
}

internal sealed record EcsContainer
{
    public string Name { get; init; } = "";

    public string? LastStatus { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>Why the container stopped when it did not exit by itself (CannotPullContainerError, OutOfMemoryError ...).</summary>
    public string? Reason { get; init; }
}
