using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Who the agent runs as. Separated (<see cref="User"/> set): its own unprivileged user, so it cannot read the worker's
/// environment (<c>/proc/&lt;worker&gt;/environ</c>), memory or files; only the workspace and its own home are handed
/// to it. Not separated: the worker's own user, because the worker is not root (or <c>Agent:RunAs</c> is empty); the
/// agent could then read everything the worker holds, and the worker says so in its log.
/// </summary>
internal sealed class AgentAccount
{
    private AgentAccount(ProcessUser? user, string? notSeparatedBecause)
    {
        User = user;
        NotSeparatedBecause = notSeparatedBecause;
    }

    /// <summary>The agent's user; null when it runs as the worker's own.</summary>
    public ProcessUser? User { get; }

    public bool Separated => User is not null;

    /// <summary>Why the agent shares the worker's user; null when it does not.</summary>
    public string? NotSeparatedBecause { get; }

    public static AgentAccount SeparateAs(ProcessUser user) => new(user, null);

    public static AgentAccount SameAsWorker(string because) => new(null, because);

    /// <summary>
    /// Decides from <see cref="AgentOptions.RunAs"/> and the worker's own identity. A root worker that cannot switch users
    /// (capabilities dropped, no setpriv) is a configuration problem, not a quiet fallback: <paramref name="problems"/>.
    /// </summary>
    public static AgentAccount Resolve(AgentOptions options, out IReadOnlyList<string> problems)
    {
        problems = [];
        if (string.IsNullOrWhiteSpace(options.RunAs) || ProcessUser.Parse(options.RunAs) is not { } user)
        {
            return SameAsWorker("Agent:RunAs is empty");
        }

        if (!OperatingSystem.IsLinux())
        {
            return SameAsWorker("separate users need Linux");
        }

        var uid = NativeMethods.GetEffectiveUserId();
        if (uid != 0)
        {
            return SameAsWorker($"the worker runs as uid {uid}, not root, so it cannot start the agent as another user");
        }

        var found = new List<string>();
        if (WorkerCapabilities.Missing() is { Count: > 0 } missing)
        {
            found.Add($"the worker runs as root to start the agent as user {user} but lacks {string.Join(", ", missing)} " +
                "(docker run --cap-drop ALL --cap-add CHOWN --cap-add KILL --cap-add SETUID --cap-add SETGID), " +
                "or set Agent:RunAs empty to run the agent as the worker (no separation)");
        }

        if (ProgramOnPath("setpriv") is null && !File.Exists(UserSwitch.Program))
        {
            found.Add("setpriv (util-linux) is not installed: the worker needs it to start the agent as its own user");
        }

        problems = found;
        return SeparateAs(user);
    }

    /// <summary>
    /// Hands <paramref name="path"/> and everything under it to the agent's user (symbolic links themselves, never their
    /// targets). Children first: a root worker without <c>CAP_DAC_READ_SEARCH</c> (the container) cannot list a folder
    /// once it is the agent's.
    /// </summary>
    public void GiveToAgent(string path)
    {
        if (User is not { } user)
        {
            return;
        }

        if (new DirectoryInfo(path) is { Exists: true, LinkTarget: null } directory)
        {
            foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
            {
                if (entry is DirectoryInfo { LinkTarget: null })
                {
                    GiveToAgent(entry.FullName);
                }
                else
                {
                    Chown(entry.FullName, user.Uid, user.Gid);
                }
            }
        }

        Chown(path, user.Uid, user.Gid);
    }

    /// <summary>
    /// Creates an empty file the agent can write (group write for the agent's group) but not replace, link or read back
    /// as anything else: it stays the worker's, in a folder of the worker's. The worker reads what the agent wrote.
    /// </summary>
    public void CreateDropFile(string path)
    {
        File.WriteAllBytes(path, []);
        if (User is { } user)
        {
            Chown(path, -1, user.Gid);
            UnixFiles.SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        }
        else
        {
            UnixFiles.SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// The first folder on the way to <paramref name="path"/> that the agent's user cannot pass (no execute bit for
    /// others), or null. Only checked when separated: the worker's own user reached it already.
    /// </summary>
    public string? FirstUnreachable(string path)
    {
        if (!Separated)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder) && !UnixFiles.Mode(folder).HasFlag(UnixFileMode.OtherExecute))
            {
                return folder;
            }
        }

        return null;
    }

    public override string ToString() => User is { } user ? $"user {user}" : $"the worker's own user ({NotSeparatedBecause})";

    private static void Chown(string path, int uid, int gid)
    {
        if (NativeMethods.LChown(path, unchecked((uint)uid), unchecked((uint)gid)) != 0)
        {
            throw new IOException($"cannot hand {path} to the agent's user ({uid}:{gid}): {NativeMethods.LastError()}");
        }
    }

    private static string? ProgramOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
