using System.Globalization;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>The files of one job's local worker: <c>worker.log</c>, <c>worker.pid</c> and <c>worker.exit</c> (exit code, once known).</summary>
internal sealed class WorkerFiles(string logFolder, string jobId)
{
    public string Folder { get; } = Path.GetFullPath(Path.Combine(logFolder, jobId));

    public string LogPath => Path.Combine(Folder, "worker.log");

    public string PidPath => Path.Combine(Folder, "worker.pid");

    public string ExitPath => Path.Combine(Folder, "worker.exit");

    public int? ReadPid() => ReadInt(PidPath);

    public int? ReadExitCode() => ReadInt(ExitPath);

    public void Started(int pid)
    {
        Directory.CreateDirectory(Folder);
        File.Delete(ExitPath);
        File.WriteAllText(PidPath, pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    public void Exited(int exitCode) => File.WriteAllText(ExitPath, exitCode.ToString(CultureInfo.InvariantCulture) + "\n");

    private static int? ReadInt(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
