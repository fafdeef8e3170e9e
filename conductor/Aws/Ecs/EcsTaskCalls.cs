namespace AgentConductor.Conductor.Aws.Ecs;

// DescribeTasks, StopTask and ListTasks: requests and responses, as far as the launcher uses them.

/// <param name="Tasks">At most 100 task ARNs (or ids).</param>
/// <param name="Include"><c>["TAGS"]</c> to get each task's tags.</param>
internal sealed record DescribeTasksRequest(string Cluster, IReadOnlyList<string> Tasks, IReadOnlyList<string>? Include = null)
{
    public const int MaxTasks = 100;
}

/// <summary>Tasks ECS knows; <see cref="Failures"/> name the others (reason <c>MISSING</c>).</summary>
internal sealed record DescribeTasksResponse
{
    public List<EcsTask> Tasks { get; init; } = [];

    public List<EcsFailure> Failures { get; init; } = [];
}

/// <param name="Reason">Shown as the task's <c>stoppedReason</c>; at most 255 characters.</param>
internal sealed record StopTaskRequest(string Cluster, string Task, string? Reason)
{
    public const int MaxReasonLength = 255;
}

internal sealed record StopTaskResponse
{
    public EcsTask? Task { get; init; }
}

/// <param name="StartedBy">When set, ECS allows no filter besides the desired status.</param>
/// <param name="DesiredStatus"><c>RUNNING</c> (ECS's default) or <c>STOPPED</c> (tasks stopped within about an hour).</param>
internal sealed record ListTasksRequest(string Cluster, string? StartedBy, string? DesiredStatus, int? MaxResults = null, string? NextToken = null);

internal sealed record ListTasksResponse
{
    public List<string> TaskArns { get; init; } = [];

    public string? NextToken { get; init; }
}
