namespace AgentConductor.Worker.Processes;

/// <summary>File modes for the folders and files the worker shares (or does not share) with the agent's user. Linux only.</summary>
internal static class UnixFiles
{
    /// <summary>Creates <paramref name="path"/> (if needed) with exactly <paramref name="mode"/>, whatever the worker's umask.</summary>
    public static void CreateFolder(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The worker runs on Linux.");
        }

        Directory.CreateDirectory(path, mode);
        File.SetUnixFileMode(path, mode);
    }

    public static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The worker runs on Linux.");
        }

        File.SetUnixFileMode(path, mode);
    }

    public static UnixFileMode Mode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The worker runs on Linux.");
        }

        return File.GetUnixFileMode(path);
    }
}
