namespace AgentConductor.Conductor.Aws.Ecs;

// The RunTask request and response, as far as the launcher uses them. Property names serialize camelCase, as ECS's
// JSON names them; null properties are left out.

internal sealed record RunTaskRequest
{
    public required string Cluster { get; init; }

    /// <summary><c>family</c>, <c>family:revision</c> or a task definition ARN.</summary>
    public required string TaskDefinition { get; init; }

    public int Count { get; init; } = 1;

    /// <summary>Set exactly one of <see cref="LaunchType"/> and <see cref="CapacityProviderStrategy"/>.</summary>
    public string? LaunchType { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviderStrategy { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    public TaskOverride? Overrides { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    /// <summary>Up to 36 letters, digits, hyphens, underscores and slashes; <c>ListTasks</c> filters on it.</summary>
    public string? StartedBy { get; init; }

    /// <summary>Up to 64 ASCII characters (33-126); the same token with the same parameters returns the first answer.</summary>
    public string? ClientToken { get; init; }

    /// <summary><c>TASK_DEFINITION</c>, <c>SERVICE</c> or <c>NONE</c>.</summary>
    public string? PropagateTags { get; init; }

    public bool? EnableExecuteCommand { get; init; }
}

internal sealed record CapacityProviderStrategyItem(string CapacityProvider, int? Weight = null, int? Base = null);

internal sealed record NetworkConfiguration(AwsVpcConfiguration AwsvpcConfiguration);

/// <param name="AssignPublicIp"><c>ENABLED</c> or <c>DISABLED</c>.</param>
internal sealed record AwsVpcConfiguration(IReadOnlyList<string> Subnets, IReadOnlyList<string>? SecurityGroups, string AssignPublicIp);

internal sealed record TaskOverride(IReadOnlyList<ContainerOverride> ContainerOverrides);

internal sealed record ContainerOverride(string Name, IReadOnlyList<EcsEnvironmentVariable>? Environment);

/// <summary>One environment variable; <see cref="ToString"/> leaves the value out (it may be a job token).</summary>
internal sealed record EcsEnvironmentVariable(string Name, string Value)
{
    public override string ToString() => $"{Name}=(hidden)";
}

internal sealed record EcsTag(string Key, string Value);

internal sealed record RunTaskResponse
{
    public List<EcsTask> Tasks { get; init; } = [];

    public List<EcsFailure> Failures { get; init; } = [];
}

/// <summary>Why ECS did not start (or cannot describe) a task: <c>RESOURCE:MEMORY</c>, <c>MISSING</c>, a capacity message.</summary>
internal sealed record EcsFailure(string? Arn, string? Reason, string? Detail)
{
    public override string ToString() =>
        $"{Reason ?? "no reason given"}{(string.IsNullOrEmpty(Detail) ? "" : $" ({Detail})")}{(string.IsNullOrEmpty(Arn) ? "" : $" [{Arn}]")}";
}
