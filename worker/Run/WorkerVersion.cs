using System.Reflection;

namespace AgentConductor.Worker.Run;

internal static class WorkerVersion
{
    public static string Current { get; } =
        typeof(WorkerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
