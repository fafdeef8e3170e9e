using System.Reflection;
using OpenTelemetry.Resources;

namespace AgentConductor.Conductor.Telemetry;

/// <summary><c>service.name</c>, <c>service.version</c> and <c>service.instance.id</c> from the validated settings.</summary>
internal sealed class ServiceResource(TelemetryOptions options) : IResourceDetector
{
    public static string Version { get; } =
        typeof(ServiceResource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly string _instanceId = string.IsNullOrWhiteSpace(options.ServiceInstanceId) ? Guid.NewGuid().ToString() : options.ServiceInstanceId;

    public Resource Detect() => new(
    [
        new KeyValuePair<string, object>("service.name", options.ServiceName),
        new KeyValuePair<string, object>("service.version", Version),
        new KeyValuePair<string, object>("service.instance.id", _instanceId),
    ]);
}
