using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>Checks the ECS launcher's settings at startup against ECS's own limits, naming every problem at once.</summary>
internal sealed partial class EcsLauncherOptionsValidator : IValidateOptions<EcsLauncherOptions>
{
    private static readonly string[] LaunchTypes = ["FARGATE", "EC2", "EXTERNAL", "MANAGED_INSTANCES"];

    public ValidateOptionsResult Validate(string? name, EcsLauncherOptions options)
    {
        var errors = new List<string>();
        if (!ClusterPattern().IsMatch(options.Cluster))
        {
            errors.Add($"EcsLauncher:Cluster must be the cluster's name (letters, digits, '-', '_'; up to 255) or ARN (got '{options.Cluster}').");
        }

        if (!TaskDefinitionPattern().IsMatch(options.TaskDefinition))
        {
            errors.Add($"EcsLauncher:TaskDefinition must be a family, family:revision or task definition ARN (got '{options.TaskDefinition}').");
        }

        if (!NamePattern().IsMatch(options.ContainerName))
        {
            errors.Add($"EcsLauncher:ContainerName must name the worker container of the task definition (letters, digits, '-', '_'; got '{options.ContainerName}').");
        }

        CheckPlacement(options, errors);
        CheckNetwork(options, errors);
        if (!StartedByPattern().IsMatch(options.StartedBy))
        {
            errors.Add($"EcsLauncher:StartedBy must be 1-36 letters, digits, '-', '_' or '/' (got '{options.StartedBy}').");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceUrl)
            && (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            errors.Add($"EcsLauncher:ServiceUrl must be an http:// or https:// URL (got '{options.ServiceUrl}').");
        }

        CheckTags(options, errors);
        if (options.PropagateTags is { Length: > 0 } propagate && propagate is not ("TASK_DEFINITION" or "NONE"))
        {
            errors.Add($"EcsLauncher:PropagateTags must be TASK_DEFINITION or NONE (got '{propagate}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPlacement(EcsLauncherOptions options, List<string> errors)
    {
        var strategy = options.CapacityProviderStrategy;
        if (!string.IsNullOrWhiteSpace(options.LaunchType))
        {
            if (!LaunchTypes.Contains(options.LaunchType, StringComparer.Ordinal))
            {
                errors.Add($"EcsLauncher:LaunchType must be one of {string.Join(", ", LaunchTypes)} (got '{options.LaunchType}').");
            }

            if (strategy.Count > 0)
            {
                errors.Add("EcsLauncher:LaunchType and EcsLauncher:CapacityProviderStrategy cannot both be set; ECS takes one or the other.");
            }
        }

        if (strategy.Count > 6)
        {
            errors.Add($"EcsLauncher:CapacityProviderStrategy may list at most 6 capacity providers (got {strategy.Count}).");
        }

        for (var i = 0; i < strategy.Count; i++)
        {
            var item = strategy[i];
            if (!NamePattern().IsMatch(item.CapacityProvider))
            {
                errors.Add($"EcsLauncher:CapacityProviderStrategy:{i}:CapacityProvider must name a capacity provider (e.g. FARGATE, FARGATE_SPOT).");
            }

            if (item.Weight is < 0 or > 1000)
            {
                errors.Add($"EcsLauncher:CapacityProviderStrategy:{i}:Weight must be between 0 and 1000.");
            }

            if (item.Base is < 0 or > 100000)
            {
                errors.Add($"EcsLauncher:CapacityProviderStrategy:{i}:Base must be between 0 and 100000.");
            }
        }

        if (strategy.Count(s => s.Base > 0) > 1)
        {
            errors.Add("EcsLauncher:CapacityProviderStrategy: only one capacity provider may have a Base above 0.");
        }
    }

    private static void CheckNetwork(EcsLauncherOptions options, List<string> errors)
    {
        if (options.Subnets.Count is 0 or > 16 || options.Subnets.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"EcsLauncher:Subnets must list 1 to 16 subnet ids (Fargate tasks need awsvpc networking; got {options.Subnets.Count}).");
        }

        if (options.SecurityGroups.Count > 5 || options.SecurityGroups.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"EcsLauncher:SecurityGroups may list at most 5 security group ids, none empty (got {options.SecurityGroups.Count}).");
        }
    }

    private static void CheckTags(EcsLauncherOptions options, List<string> errors)
    {
        var room = EcsTags.MaxCount - EcsTags.OwnCount;
        if (options.Tags.Count > room)
        {
            errors.Add($"EcsLauncher:Tags may list at most {room} tags (ECS allows {EcsTags.MaxCount} per task; the conductor sets {EcsTags.OwnCount}).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Tags.Count; i++)
        {
            var (key, value) = (options.Tags[i].Key, options.Tags[i].Value);
            if (key.Length is 0 or > EcsTags.MaxKeyLength || !key.All(EcsTags.IsAllowed) || value.Length > EcsTags.MaxValueLength || !value.All(EcsTags.IsAllowed))
            {
                errors.Add($"EcsLauncher:Tags:{i} needs a Key of 1-128 and a Value of at most 256 letters, digits, spaces or _ . : / = + - @ (got '{key}').");
            }
            else if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) || key.StartsWith(EcsTags.Prefix, StringComparison.Ordinal))
            {
                errors.Add($"EcsLauncher:Tags:{i}: keys starting with 'aws:' or '{EcsTags.Prefix}' are reserved (got '{key}').");
            }
            else if (!seen.Add(key))
            {
                errors.Add($"EcsLauncher:Tags:{i}: the key '{key}' appears twice.");
            }
        }
    }

    [GeneratedRegex("^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255})$")]
    private static partial Regex ClusterPattern();

    [GeneratedRegex("^([A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?)$")]
    private static partial Regex TaskDefinitionPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_/-]{1,36}$")]
    private static partial Regex StartedByPattern();
}
