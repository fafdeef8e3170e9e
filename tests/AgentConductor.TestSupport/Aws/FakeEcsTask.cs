using System.Text.Json;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// One task the fake ECS keeps: its lifecycle (PROVISIONING, PENDING, RUNNING, STOPPING, STOPPED), its worker container's
/// exit code, the environment and tags it was started with. Changed only through <see cref="FakeEcs"/>, under its lock.
/// </summary>
public sealed class FakeEcsTask
{
    internal FakeEcsTask(string arn, string taskDefinitionArn, string containerName, DateTimeOffset createdAt)
    {
        Arn = arn;
        TaskDefinitionArn = taskDefinitionArn;
        ContainerName = containerName;
        CreatedAt = createdAt;
    }

    public string Arn { get; }

    public string Id => Arn[(Arn.LastIndexOf('/') + 1)..];

    public string TaskDefinitionArn { get; }

    /// <summary>The container the overrides named (the worker).</summary>
    public string ContainerName { get; }

    public DateTimeOffset CreatedAt { get; }

    public string LastStatus { get; internal set; } = "PROVISIONING";

    public string DesiredStatus { get; internal set; } = "RUNNING";

    public string? StartedBy { get; internal set; }

    /// <summary>The task size as ECS reports it: CPU units and MiB (from the task definition).</summary>
    public string? Cpu { get; internal init; }

    public string? Memory { get; internal init; }

    public string? LaunchType { get; internal set; }

    public string? CapacityProviderName { get; internal set; }

    public string? ClientToken { get; internal set; }

    public int? ExitCode { get; internal set; }

    public string? ContainerReason { get; internal set; }

    public string? StopCode { get; internal set; }

    public string? StoppedReason { get; internal set; }

    public DateTimeOffset? StoppedAt { get; internal set; }

    public IReadOnlyDictionary<string, string> Environment { get; internal set; } = new Dictionary<string, string>();

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The reasons StopTask was called with, in order.</summary>
    public List<string> StopReasons { get; } = [];

    /// <summary>The <c>overrides</c> object exactly as RunTask sent it (echoed by DescribeTasks).</summary>
    internal JsonElement? Overrides { get; set; }

    /// <summary>Forgotten by ECS (stopped long ago): DescribeTasks reports it MISSING.</summary>
    public bool Forgotten { get; internal set; }

    public string? JobId => Environment.GetValueOrDefault("JOB_ID");

    public bool IsStopped => LastStatus == "STOPPED";

    internal Dictionary<string, object?> Render(string clusterArn, bool includeTags)
    {
        var container = Fields(
            ("containerArn", Arn.Replace(":task/", ":container/", StringComparison.Ordinal) + "/" + ContainerName),
            ("taskArn", Arn),
            ("name", ContainerName),
            ("lastStatus", IsStopped ? "STOPPED" : LastStatus == "RUNNING" ? "RUNNING" : "PENDING"),
            ("exitCode", ExitCode),
            ("reason", ContainerReason));
        return Fields(
            ("taskArn", Arn),
            ("clusterArn", clusterArn),
            ("taskDefinitionArn", TaskDefinitionArn),
            ("lastStatus", LastStatus),
            ("desiredStatus", DesiredStatus),
            ("launchType", LaunchType),
            ("cpu", Cpu),
            ("memory", Memory),
            ("capacityProviderName", CapacityProviderName),
            ("startedBy", StartedBy),
            ("group", "family:" + TaskDefinitionArn.Split('/')[^1].Split(':')[0]),
            ("createdAt", CreatedAt.ToUnixTimeMilliseconds() / 1000.0),
            ("stoppedAt", StoppedAt?.ToUnixTimeMilliseconds() / 1000.0),
            ("stopCode", StopCode),
            ("stoppedReason", StoppedReason),
            ("containers", new[] { container }),
            ("overrides", Overrides),
            ("tags", includeTags ? Tags.Select(t => new Dictionary<string, string> { ["key"] = t.Key, ["value"] = t.Value }).ToList() : null));
    }

    /// <summary>A JSON object without the absent (null) fields, as ECS leaves them out.</summary>
    private static Dictionary<string, object?> Fields(params (string Name, object? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
}
