namespace AgentConductor.Worker.Agent;

/// <summary>How the worker runs the coding agent (Codex CLI). Per-job settings from the conductor override these.</summary>
internal sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>The program and its leading arguments; <c>exec ...</c> follows. Tests use <c>["node", "fake-codex.js"]</c>.</summary>
    public string[] Command { get; set; } = ["codex"];

    /// <summary>The model when the job does not name one; null leaves it to Codex.</summary>
    public string? Model { get; set; }

    /// <summary>The watchdog: stop the agent when it prints nothing (stdout or stderr) for this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Stop the agent when the whole run takes longer than this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How long the agent may take to exit after SIGINT before its process tree is killed.</summary>
    public TimeSpan InterruptGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Extra environment for the agent process: a value sets a variable, null removes an inherited one.</summary>
    public Dictionary<string, string?> Environment { get; set; } = [];

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (Command.Length == 0 || string.IsNullOrWhiteSpace(Command[0]))
        {
            yield return $"{SectionName}:{nameof(Command)} must name a program.";
        }

        foreach (var (name, value) in new[] { (nameof(IdleTimeout), IdleTimeout), (nameof(Timeout), Timeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{SectionName}:{name} must be positive, not {value}.";
            }
        }

        if (InterruptGrace < TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(InterruptGrace)} must not be negative, not {InterruptGrace}.";
        }
    }
}
