using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>What an ECS task means for the job it runs: its worker's status and the job's id.</summary>
internal static class EcsTaskStatus
{
    /// <summary>
    /// Running until the worker container has stopped. Stopped with an exit code: <see cref="WorkerStatus.Exited"/> with it
    /// (already while ECS deprovisions the task). Stopped without one (never started, killed with the host): gone, with
    /// ECS's stop code and reasons.
    /// </summary>
    public static WorkerStatus Of(EcsTask task, string containerName)
    {
        var container = task.Containers.FirstOrDefault(c => c.Name == containerName);
        if (container?.ExitCode is { } exitCode && (container.LastStatus == "STOPPED" || task.IsStopped))
        {
            return WorkerStatus.Exited(exitCode);
        }

        if (!task.IsStopped)
        {
            return WorkerStatus.Running;
        }

        var reason = $"ECS task {Id(task.TaskArn)} stopped ({task.StopCode ?? "no stop code"}): {task.StoppedReason ?? "no reason given"}";
        return WorkerStatus.Gone(container?.Reason is { Length: > 0 } why ? $"{reason}; container {containerName}: {why}" : reason);
    }

    /// <summary>
    /// The status of <paramref name="taskArn"/> in a DescribeTasks answer; a task the answer does not hold (reported
    /// <c>MISSING</c>, or left out) is gone.
    /// </summary>
    public static WorkerStatus In(DescribeTasksResponse answer, string taskArn, string containerName)
    {
        if (answer.Tasks.FirstOrDefault(t => t.TaskArn == taskArn) is { } task)
        {
            return Of(task, containerName);
        }

        var failure = answer.Failures.FirstOrDefault(f => f.Arn == taskArn);
        return WorkerStatus.Gone($"ECS does not know task {Id(taskArn)} ({failure?.Reason ?? "not returned"}); stopped tasks are kept for about an hour");
    }

    /// <summary>A reference that is no task ARN names no ECS task: gone, without asking ECS.</summary>
    public static WorkerStatus NotATask(string reference) =>
        WorkerStatus.Gone($"'{reference}' is not an ECS task ARN (was the job launched by another launcher?)");

    /// <summary>
    /// The job a task was started for: its <c>JOB_ID</c> override (always there), else its job-id tag (ECS deletes the
    /// tags of a task stopped with StopTask).
    /// </summary>
    public static string? JobIdOf(EcsTask task, string containerName) =>
        task.Overrides?.ContainerOverrides.FirstOrDefault(o => o.Name == containerName)?.Environment?.FirstOrDefault(e => e.Name == "JOB_ID")?.Value
        ?? task.Tags.FirstOrDefault(t => t.Key == EcsTags.JobId)?.Value;

    /// <summary>The task id, the last part of its ARN.</summary>
    public static string Id(string taskArn) => taskArn[(taskArn.LastIndexOf('/') + 1)..];

    /// <summary>Whether a launcher reference looks like an ECS task ARN (a job launched by another launcher does not).</summary>
    public static bool IsTaskArn(string reference) =>
        reference.StartsWith("arn:", StringComparison.Ordinal) && reference.Contains(":ecs:", StringComparison.Ordinal) && reference.Contains(":task/", StringComparison.Ordinal);
}
