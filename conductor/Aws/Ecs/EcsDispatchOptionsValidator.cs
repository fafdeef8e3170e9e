using System.Net;
using AgentConductor.Conductor.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>
/// With the ECS launcher, workers run on other machines: <c>Dispatch:ConductorUrl</c> must be set to an address they
/// can reach (the default, this conductor's own listener address, is only right for local workers).
/// </summary>
internal sealed class EcsDispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConductorUrl))
        {
            return ValidateOptionsResult.Fail(
                "Dispatch:ConductorUrl must be set when Launcher:Kind is ecs: it is the address ECS tasks call the conductor's worker listener on (e.g. http://conductor.internal:5081).");
        }

        if (Uri.TryCreate(options.ConductorUrl, UriKind.Absolute, out var url) && IsLoopback(url))
        {
            return ValidateOptionsResult.Fail(
                $"Dispatch:ConductorUrl '{options.ConductorUrl}' is a loopback address; ECS tasks cannot reach it. Use the conductor host's private DNS name or IP.");
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)));
}
