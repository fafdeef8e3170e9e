using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Operator template folders for tests: the shipped templates copied, then changed by the test.</summary>
internal static class TemplateFolders
{
    public static void WriteDefaults(string folder)
    {
        var shipped = Path.Combine(RepoPaths.Root, "conductor", "Templates");
        foreach (var file in Directory.EnumerateFiles(shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Directory.CreateDirectory(Path.Combine(folder, "ticket", "data"));
    }
}
