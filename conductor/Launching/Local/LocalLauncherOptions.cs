namespace AgentConductor.Conductor.Launching.Local;

/// <summary>The embedded launcher: workers as child processes of the conductor.</summary>
internal sealed class LocalLauncherOptions
{
    public const string Section = "LocalLauncher";

    /// <summary>
    /// The worker command as an argument array (no shell). Empty means <c>dotnet AgentConductor.Worker.dll</c>
    /// from the conductor's own folder.
    /// </summary>
    public List<string> WorkerCommand { get; set; } = [];

    /// <summary>Each job gets <c>&lt;LogFolder&gt;/&lt;job-id&gt;/</c> holding <c>worker.log</c> (its output), <c>worker.pid</c> and <c>worker.exit</c>.</summary>
    public string LogFolder { get; set; } = "data/jobs";

    /// <summary>
    /// Names of the conductor's environment variables handed on to every worker on top of <see cref="WorkerEnvironment"/>'s
    /// allowlist; nothing else of the conductor's environment reaches a worker.
    /// </summary>
    public List<string> PassEnvironment { get; set; } = [];

    public IReadOnlyList<string> ResolveCommand() =>
        WorkerCommand.Count > 0 ? WorkerCommand : ["dotnet", Path.Combine(AppContext.BaseDirectory, "AgentConductor.Worker.dll")];
}
