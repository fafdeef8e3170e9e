using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// One agent run's folder, the worker's: the agent's own <see cref="Home"/> (HOME, with <see cref="CodexHome"/> inside)
/// belongs to the agent's user; <see cref="LastMessagePath"/> (Codex's <c>-o</c>) is a file the agent can write but
/// not replace with a link to something of the worker's, which the worker then reads back.
/// </summary>
internal sealed record AgentRunFolder(string Root, string Home, string CodexHome, string LastMessagePath)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Passable = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates <c>codex-run-&lt;id&gt;/</c> in <paramref name="parent"/> for a fresh run.</summary>
    /// <param name="seedCodexHome">
    /// Fills the new CODEX_HOME (e.g. with a session to resume) while it is still the worker's, before it is handed to the
    /// agent's user; what it writes becomes the agent's with the rest.
    /// </param>
    public static AgentRunFolder Create(string parent, AgentAccount account, Action<string>? seedCodexHome = null)
    {
        var root = Path.Combine(Path.GetFullPath(parent), $"codex-run-{Guid.NewGuid():N}");
        UnixFiles.CreateFolder(root, Passable); // the worker's umask must not take the agent's way in
        var home = Path.Combine(root, "home");
        UnixFiles.CreateFolder(home, Private);
        var codexHome = Path.Combine(home, ".codex");
        UnixFiles.CreateFolder(codexHome, Private);
        seedCodexHome?.Invoke(codexHome);
        account.GiveToAgent(home);
        var lastMessage = Path.Combine(root, "last-message.md");
        account.CreateDropFile(lastMessage);
        return new AgentRunFolder(root, home, codexHome, lastMessage);
    }

    /// <summary>
    /// What the agent left in <see cref="LastMessagePath"/> (at most <paramref name="maxBytes"/>), or null when it left
    /// nothing, or something that is not a plain file of the worker's (a link the agent slipped in when it shares the
    /// worker's user).
    /// </summary>
    public string? ReadLastMessage(int maxBytes = 1 << 20)
    {
        var file = new FileInfo(LastMessagePath);
        if (!file.Exists || file.LinkTarget is not null || file.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return null;
        }

        using var stream = new FileStream(LastMessagePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[Math.Min(maxBytes, Math.Max(0, (int)Math.Min(stream.Length, int.MaxValue)))];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
