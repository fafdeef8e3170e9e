using System.Globalization;
using System.Text.Json;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>Turns a launch into a RunTask request: the settings, the worker's environment, tags and the client token.</summary>
internal static class EcsRunTaskRequests
{
    /// <summary>ECS allows this many characters of overrides, JSON punctuation included.</summary>
    public const int MaxOverridesLength = 8192;

    /// <summary>
    /// The client token of the <paramref name="launch"/>-th RunTask of a job's attempt (1 first): the job id and attempt
    /// make a relaunch of a NEW attempt start a new task, while every retry of the same request maps onto the task the
    /// first one started. A launch with a fresh job token is a different request for ECS (a conflict), so it moves on
    /// to the next number; see <see cref="EcsLauncher"/>.
    /// </summary>
    public static string ClientToken(string jobId, int attempt, int launch) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}-{attempt}-{launch}");

    public static RunTaskRequest Build(EcsLauncherOptions options, LaunchRequest launch, int launchNumber) => new()
    {
        Cluster = options.Cluster,
        TaskDefinition = options.TaskDefinition,
        Count = 1,
        LaunchType = options.ResolveLaunchType(),
        CapacityProviderStrategy = options.CapacityProviderStrategy.Count == 0
            ? null
            : [.. options.CapacityProviderStrategy.Select(s => new CapacityProviderStrategyItem(s.CapacityProvider, s.Weight, s.Base))],
        NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration(
            options.Subnets, options.SecurityGroups.Count == 0 ? null : options.SecurityGroups, options.AssignPublicIp ? "ENABLED" : "DISABLED")),
        Overrides = new TaskOverride([new ContainerOverride(options.ContainerName,
            [.. launch.WorkerEnvironment().Select(v => new EcsEnvironmentVariable(v.Key, v.Value))])]),
        Tags = [.. Tags(options, launch)],
        StartedBy = options.StartedBy,
        ClientToken = ClientToken(launch.JobId, launch.Attempt, launchNumber),
        PropagateTags = string.IsNullOrWhiteSpace(options.PropagateTags) ? null : options.PropagateTags,
        EnableExecuteCommand = options.EnableExecuteCommand ? true : null,
    };

    /// <summary>The length ECS counts against <see cref="MaxOverridesLength"/>: the overrides as JSON text.</summary>
    public static int OverridesLength(RunTaskRequest request) => JsonSerializer.Serialize(request.Overrides, EcsClient.Json).Length;

    private static IEnumerable<EcsTag> Tags(EcsLauncherOptions options, LaunchRequest launch)
    {
        yield return new EcsTag(EcsTags.JobId, launch.JobId);
        yield return new EcsTag(EcsTags.Attempt, launch.Attempt.ToString(CultureInfo.InvariantCulture));
        yield return new EcsTag(EcsTags.Kind, EcsTags.Value(launch.Kind));
        if (!string.IsNullOrEmpty(launch.Subject))
        {
            yield return new EcsTag(EcsTags.Subject, EcsTags.Value(launch.Subject));
        }

        foreach (var tag in options.Tags)
        {
            yield return new EcsTag(tag.Key, tag.Value);
        }
    }
}
