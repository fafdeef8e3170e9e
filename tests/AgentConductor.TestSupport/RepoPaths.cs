namespace AgentConductor.TestSupport;

/// <summary>Locates the repository (the folder holding <c>AgentConductor.sln</c>) and the shared samples beside it.</summary>
public static class RepoPaths
{
    private const string SolutionFile = "AgentConductor.sln";

    /// <summary>The repository root, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    /// <summary><c>../shared/samples</c> next to the repository: sample message bodies shared by the team.</summary>
    public static string SharedSamples { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "samples"));

    private static string FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} found in {start} or any folder above it.");
    }
}
