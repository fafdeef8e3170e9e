using System.Globalization;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// The files of one job's local worker: <c>worker.log</c>, <c>worker.pid</c> and <c>worker.exit</c> (exit code, once
/// known), and <c>work/</c>, the worker's own folder when no <c>WORK_DIR</c> moves it (its clone, the agent's home).
/// </summary>
internal sealed class WorkerFiles(string logFolder, string jobId)
{
    public string Folder { get; } = Path.GetFullPath(Path.Combine(logFolder, jobId));

    public string LogPath => Path.Combine(Folder, "worker.log");

    public string PidPath => Path.Combine(Folder, "worker.pid");

    public string ExitPath => Path.Combine(Folder, "worker.exit");

    public string WorkPath => Path.Combine(Folder, "work");

    public int? ReadPid() => ReadInt(PidPath);

    public int? ReadExitCode() => ReadInt(ExitPath);

    public void Started(int pid)
    {
        Directory.CreateDirectory(Folder);
        File.Delete(ExitPath);
        File.WriteAllText(PidPath, pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    public void Exited(int exitCode) => File.WriteAllText(ExitPath, exitCode.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>
    /// Removes <c>work/</c> (the agent wrote in it: a link in it is removed, never followed); null when it is gone or was
    /// never there, else why it stays.
    /// </summary>
    public string? RemoveWork()
    {
        try
        {
            if (Directory.Exists(WorkPath))
            {
                try
                {
                    Directory.Delete(WorkPath, recursive: true);
                }
                catch (UnauthorizedAccessException) when (!OperatingSystem.IsWindows())
                {
                    // A folder the agent made read-only (root deletes regardless; the same user needs the write bit back).
                    MakeFoldersWritable(WorkPath);
                    Directory.Delete(WorkPath, recursive: true);
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void MakeFoldersWritable(string folder)
    {
        var info = new DirectoryInfo(folder);
        if (info.LinkTarget is not null)
        {
            return;
        }

        info.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var child in info.EnumerateDirectories())
        {
            MakeFoldersWritable(child.FullName);
        }
    }

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
