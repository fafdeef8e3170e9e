namespace AgentConductor.Worker.Agent;

/// <summary>How the worker runs the coding agent (Codex CLI). Per-job settings from the conductor override these.</summary>
internal sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>
    /// The program and its leading arguments; <c>exec ...</c> follows. Tests name the pinned CLI installed from <c>docker/codex</c>.
    /// Empty means <c>["codex"]</c>; not set in the initializer because the configuration binder appends to an array.
    /// </summary>
    public string[] Command { get; set; } = [];

    /// <summary><see cref="Command"/>, or <c>["codex"]</c> when it is empty.</summary>
    public IReadOnlyList<string> CommandOrDefault => Command.Length > 0 ? Command : ["codex"];

    /// <summary>The model when the job does not name one; null leaves it to Codex.</summary>
    public string? Model { get; set; }

    /// <summary>The model API the worker's proxy forwards to when neither the job nor <see cref="ModelBaseUrl"/> names one.</summary>
    public const string OpenAiBaseUrl = "https://api.openai.com/v1";

    /// <summary>
    /// The Responses API base URL the worker's model proxy forwards the agent's requests to when the job does not name one
    /// (e.g. <c>http://127.0.0.1:8080/v1</c>); empty means <see cref="OpenAiBaseUrl"/>. The agent never talks to it
    /// directly: see <see cref="CodexModelProvider"/> and <c>ModelProxy</c>.
    /// </summary>
    public string? ModelBaseUrl { get; set; }

    /// <summary>
    /// The user the agent runs as, <c>uid[:gid]</c> (numeric; no account needs to exist), when the worker runs as root:
    /// the agent then cannot read the worker's environment, memory or files. Empty runs the agent as the worker's own
    /// user (no separation; the worker warns). A worker that is not root cannot switch users and warns the same way.
    /// </summary>
    public string RunAs { get; set; } = "10001:10001";

    /// <summary>The watchdog: stop the agent when it prints nothing (stdout or stderr) for this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Stop the agent when the whole run takes longer than this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How long the agent may take to exit after SIGINT before its process tree is killed.</summary>
    public TimeSpan InterruptGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Variables the agent gets on top of its allowlist (PATH, HOME, the locale, TZ, CODEX_HOME and the proxy token as
    /// CODEX_API_KEY): a value sets one, null removes one. Names that carry the worker's secrets are refused.
    /// </summary>
    public Dictionary<string, string?> Environment { get; set; } = [];
}
