using System.Text;
using System.Text.Json;
using static AgentConductor.TestSupport.Aws.FakeEcsJson;

namespace AgentConductor.TestSupport.Aws;

/// <summary>A RunTask request the fake ECS accepted: what to start.</summary>
internal sealed record FakeEcsRunTask(
    FakeEcsTaskDefinition TaskDefinition,
    int Count,
    string? LaunchType,
    string? CapacityProvider,
    string ContainerName,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Tags,
    string? StartedBy,
    string? ClientToken,
    JsonElement? Overrides,
    string Fingerprint)
{
    private static readonly string[] Fields =
    [
        "cluster", "taskDefinition", "count", "launchType", "capacityProviderStrategy", "networkConfiguration", "overrides", "tags",
        "startedBy", "clientToken", "propagateTags", "enableExecuteCommand", "platformVersion", "group", "enableECSManagedTags",
    ];

    /// <summary>Checks every field as ECS would (and unknown fields, as ECS would not: a typo must not pass silently).</summary>
    public static FakeEcsRunTask Parse(JsonElement body, FakeEcs ecs)
    {
        OnlyFields(body, "RunTask", Fields);
        ecs.CheckCluster(String(body, "cluster", "RunTask"));
        var definition = ecs.FindTaskDefinition(String(body, "taskDefinition", "RunTask", required: true)!);
        var count = Int(body, "count", "RunTask", 1, 10) ?? 1;
        var launchType = OneOf(String(body, "launchType", "RunTask"), "RunTask.launchType", "EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES");
        var provider = ChosenCapacityProvider(body, launchType);
        CheckNetwork(body);
        var (container, environment) = CheckOverrides(body, definition);
        var tags = CheckTags(body);
        var startedBy = String(body, "startedBy", "RunTask", max: 36);
        if (startedBy is not null && !startedBy.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/'))
        {
            throw new FakeEcsError("InvalidParameterException", $"RunTask.startedBy '{startedBy}' may hold only letters, digits, '-', '_' and '/'");
        }

        var token = String(body, "clientToken", "RunTask", max: 64);
        if (token is not null && (token.Length == 0 || token.Any(c => c is < (char)33 or > (char)126)))
        {
            throw new FakeEcsError("InvalidParameterException", "RunTask.clientToken must be 1-64 ASCII characters from 33 to 126");
        }

        OneOf(String(body, "propagateTags", "RunTask"), "RunTask.propagateTags", "TASK_DEFINITION", "SERVICE", "NONE");
        Bool(body, "enableExecuteCommand", "RunTask");
        Bool(body, "enableECSManagedTags", "RunTask");
        String(body, "platformVersion", "RunTask");
        String(body, "group", "RunTask", max: 255);
        return new FakeEcsRunTask(
            definition, count, launchType, provider, container ?? definition.Containers[0], environment, tags, startedBy, token,
            body.TryGetProperty("overrides", out var overrides) ? overrides.Clone() : null, FingerprintOf(body));
    }

    private static string? ChosenCapacityProvider(JsonElement body, string? launchType)
    {
        var strategy = Array(body, "capacityProviderStrategy", "RunTask", max: 6);
        if (strategy is null)
        {
            return launchType is null
                ? throw new FakeEcsError("InvalidParameterException", "RunTask: no launchType or capacityProviderStrategy, and the cluster has no default capacity provider strategy")
                : null;
        }

        if (launchType is not null)
        {
            throw new FakeEcsError("InvalidParameterException", "RunTask: specifying both a launchType and a capacityProviderStrategy is not supported");
        }

        var items = strategy.Select((item, i) =>
        {
            var where = $"RunTask.capacityProviderStrategy[{i}]";
            ObjectAt(item, where);
            OnlyFields(item, where, "capacityProvider", "weight", "base");
            var name = String(item, "capacityProvider", where, required: true, max: 255)!;
            if (name is not ("FARGATE" or "FARGATE_SPOT"))
            {
                throw new FakeEcsError("InvalidParameterException", $"{where}: capacity provider '{name}' is not associated with the cluster");
            }

            return (Name: name, Weight: Int(item, "weight", where, 0, 1000) ?? 0, Base: Int(item, "base", where, 0, 100000) ?? 0);
        }).ToList();
        if (items.Count == 0 || items.Count(i => i.Base > 0) > 1)
        {
            throw new FakeEcsError("InvalidParameterException", "RunTask.capacityProviderStrategy needs 1-6 providers, at most one with a base");
        }

        return items.FirstOrDefault(i => i.Base > 0).Name ?? items.OrderByDescending(i => i.Weight).First().Name;
    }

    private static void CheckNetwork(JsonElement body)
    {
        // The fake's task definitions use awsvpc networking (as Fargate requires).
        var network = Object(body, "networkConfiguration", "RunTask")
            ?? throw new FakeEcsError("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        OnlyFields(network, "RunTask.networkConfiguration", "awsvpcConfiguration");
        var vpc = Object(network, "awsvpcConfiguration", "RunTask.networkConfiguration")
            ?? throw new FakeEcsError("InvalidParameterException", "RunTask.networkConfiguration.awsvpcConfiguration is required");
        const string Where = "RunTask.networkConfiguration.awsvpcConfiguration";
        OnlyFields(vpc, Where, "subnets", "securityGroups", "assignPublicIp");
        if (Strings(vpc, "subnets", Where, max: 16) is not { Count: > 0 })
        {
            throw new FakeEcsError("InvalidParameterException", $"{Where}.subnets must list 1-16 subnets");
        }

        Strings(vpc, "securityGroups", Where, max: 5);
        OneOf(String(vpc, "assignPublicIp", Where), $"{Where}.assignPublicIp", "ENABLED", "DISABLED");
    }

    private static (string? Container, Dictionary<string, string> Environment) CheckOverrides(JsonElement body, FakeEcsTaskDefinition definition)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Object(body, "overrides", "RunTask") is not { } overrides)
        {
            return (null, environment);
        }

        var length = overrides.GetRawText().Length;
        if (length > 8192)
        {
            throw new FakeEcsError("InvalidParameterException", $"Container Overrides length must be at most 8192 (got {length})");
        }

        OnlyFields(overrides, "RunTask.overrides", "containerOverrides", "cpu", "memory", "taskRoleArn", "executionRoleArn");
        string? first = null;
        foreach (var (item, i) in (Array(overrides, "containerOverrides", "RunTask.overrides", max: 10) ?? []).Select((x, i) => (x, i)))
        {
            var where = $"RunTask.overrides.containerOverrides[{i}]";
            ObjectAt(item, where);
            OnlyFields(item, where, "name", "environment", "command");
            var name = String(item, "name", where, required: true)!;
            if (!definition.Containers.Contains(name, StringComparer.Ordinal))
            {
                throw new FakeEcsError("InvalidParameterException", $"Override for container named {name} is not a container in the TaskDefinition.");
            }

            first ??= name;
            Strings(item, "command", where, max: 100);
            foreach (var (variable, j) in (Array(item, "environment", where, max: 1000) ?? []).Select((x, j) => (x, j)))
            {
                var at = $"{where}.environment[{j}]";
                ObjectAt(variable, at);
                OnlyFields(variable, at, "name", "value");
                var key = String(variable, "name", at, required: true)!;
                if (key.Length == 0 || (name == first && !environment.TryAdd(key, String(variable, "value", at) ?? "")))
                {
                    throw new FakeEcsError("InvalidParameterException", $"{at}: the name is empty or appears twice");
                }
            }
        }

        return (first, environment);
    }

    private static Dictionary<string, string> CheckTags(JsonElement body)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tag, i) in (Array(body, "tags", "RunTask", max: 50) ?? []).Select((x, i) => (x, i)))
        {
            var where = $"RunTask.tags[{i}]";
            ObjectAt(tag, where);
            OnlyFields(tag, where, "key", "value");
            var key = String(tag, "key", where, required: true, max: 128)!;
            var value = String(tag, "value", where, max: 256) ?? "";
            if (key.Length == 0 || !(key + value).All(c => char.IsLetterOrDigit(c) || " _.:/=+-@".Contains(c, StringComparison.Ordinal)))
            {
                throw new FakeEcsError("InvalidParameterException", $"{where}: '{key}' = '{value}' holds characters tags do not allow");
            }

            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) || !tags.TryAdd(key, value))
            {
                throw new FakeEcsError("InvalidParameterException", $"{where}: the key '{key}' is reserved or appears twice");
            }
        }

        return tags;
    }

    private static string FingerprintOf(JsonElement body)
    {
        var text = new StringBuilder();
        foreach (var property in body.EnumerateObject().Where(p => p.Name != "clientToken").OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(property.Name).Append('=').Append(property.Value.GetRawText()).Append('\n');
        }

        return text.ToString();
    }
}
