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

    /// <summary>
    /// The Responses API base URL the agent talks to when the job does not name one (e.g. <c>http://127.0.0.1:8080/v1</c>);
    /// null leaves Codex on its own default provider, the OpenAI API. See <see cref="CodexModelProvider"/>.
    /// </summary>
    public string? ModelBaseUrl { get; set; }

    /// <summary>The watchdog: stop the agent when it prints nothing (stdout or stderr) for this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Stop the agent when the whole run takes longer than this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How long the agent may take to exit after SIGINT before its process tree is killed.</summary>
    public TimeSpan InterruptGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Extra environment for the agent process: a value sets a variable, null removes an inherited one.</summary>
    public Dictionary<string, string?> Environment { get; set; } = [];
}
