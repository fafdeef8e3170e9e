namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>Workers as ECS tasks (<c>Launcher:Kind = ecs</c>): where and how <c>RunTask</c> starts them.</summary>
internal sealed class EcsLauncherOptions
{
    public const string Section = "EcsLauncher";

    public const string DefaultStartedBy = "agent-conductor";

    /// <summary>The cluster's short name or ARN.</summary>
    public string Cluster { get; set; } = "";

    /// <summary>The worker's task definition: a family (its latest ACTIVE revision), <c>family:revision</c>, or an ARN.</summary>
    public string TaskDefinition { get; set; } = "";

    /// <summary>The container in the task definition that runs the worker; it gets the job's environment.</summary>
    public string ContainerName { get; set; } = "worker";

    /// <summary><c>FARGATE</c> (the default when no capacity provider strategy is set), <c>EC2</c>, <c>EXTERNAL</c> or <c>MANAGED_INSTANCES</c>.</summary>
    public string? LaunchType { get; set; }

    /// <summary>Instead of a launch type, e.g. <c>FARGATE_SPOT</c> with <c>FARGATE</c> as a fallback.</summary>
    public List<EcsCapacityProviderOptions> CapacityProviderStrategy { get; set; } = [];

    /// <summary>Subnets of the task's network interface (awsvpc, required on Fargate).</summary>
    public List<string> Subnets { get; set; } = [];

    public List<string> SecurityGroups { get; set; } = [];

    /// <summary>Give the task a public IP: needed in a public subnet without a NAT gateway to pull the image and reach GitHub.</summary>
    public bool AssignPublicIp { get; set; }

    /// <summary>Every task is started with it; after a restart the conductor lists its tasks by it. At most 36 letters, digits, <c>-</c>, <c>_</c>, <c>/</c>.</summary>
    public string StartedBy { get; set; } = DefaultStartedBy;

    /// <summary>An endpoint override (VPC endpoint, test endpoint); empty for <c>https://ecs.&lt;region&gt;.amazonaws.com/</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Extra tags for every task, besides the conductor's own (<c>agent-conductor:*</c>).</summary>
    public List<EcsTagOptions> Tags { get; set; } = [];

    /// <summary><c>TASK_DEFINITION</c> copies the task definition's tags onto each task; empty or <c>NONE</c> does not.</summary>
    public string? PropagateTags { get; set; }

    /// <summary>Allow <c>aws ecs execute-command</c> into worker tasks (needs SSM permissions on the task role).</summary>
    public bool EnableExecuteCommand { get; set; }

    public string? ResolveLaunchType() =>
        !string.IsNullOrWhiteSpace(LaunchType) ? LaunchType : CapacityProviderStrategy.Count == 0 ? "FARGATE" : null;
}

internal sealed class EcsCapacityProviderOptions
{
    public string CapacityProvider { get; set; } = "";

    /// <summary>0-1000: the share of tasks this provider gets relative to the others.</summary>
    public int? Weight { get; set; }

    /// <summary>0-100000: tasks placed on this provider before weights apply; at most one provider may set it.</summary>
    public int? Base { get; set; }
}

internal sealed class EcsTagOptions
{
    public string Key { get; set; } = "";

    public string Value { get; set; } = "";
}
