using System.Reflection;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// Where the default worker command finds the worker: beside the conductor (the published layout), else the worker's
/// build output, whose path the build records in the conductor's assembly (<c>dotnet build</c> and
/// <c>dotnet run --project conductor</c> build the worker with the conductor).
/// </summary>
internal static class WorkerProgram
{
    public const string FileName = "AgentConductor.Worker.dll";

    private const string BuildOutputKey = "AgentConductor.WorkerProgram";

    /// <summary>The places looked at, in order.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } = Candidates();

    /// <summary>The first candidate that exists, or null.</summary>
    public static string? Find(IReadOnlyList<string> candidates) => candidates.FirstOrDefault(File.Exists);

    /// <summary>
    /// The host that runs a framework-dependent dll: the <c>dotnet</c> running this conductor when it runs under one
    /// (so a conductor started with a dotnet outside <c>PATH</c> still finds it), else <c>dotnet</c> from <c>PATH</c>.
    /// </summary>
    public static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static List<string> Candidates()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, FileName) };
        var recorded = typeof(WorkerProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == BuildOutputKey)?.Value;
        if (!string.IsNullOrEmpty(recorded) && !candidates.Contains(recorded, StringComparer.Ordinal))
        {
            candidates.Add(recorded);
        }

        return candidates;
    }
}
