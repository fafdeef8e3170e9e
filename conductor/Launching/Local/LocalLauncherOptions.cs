namespace AgentConductor.Conductor.Launching.Local;

/// <summary>The embedded launcher: workers as child processes of the conductor.</summary>
internal sealed class LocalLauncherOptions
{
    public const string Section = "LocalLauncher";

    /// <summary>
    /// The worker command as an argument array (no shell). Empty means <c>dotnet AgentConductor.Worker.dll</c>, the dll
    /// found beside the conductor or in the worker's build output (<see cref="WorkerProgram"/>).
    /// </summary>
    public List<string> WorkerCommand { get; set; } = [];

    /// <summary>
    /// Each job gets <c>&lt;LogFolder&gt;/&lt;job-id&gt;/</c> holding <c>worker.log</c> (its output), <c>worker.pid</c> and
    /// <c>worker.exit</c>, and while the worker runs its work folder <c>work/</c> (its clone, the agent's home).
    /// </summary>
    public string LogFolder { get; set; } = "data/jobs";

    /// <summary>
    /// The first uid of the agents' pool: each running local worker gets the lowest free uid from here up as its agent's
    /// (<c>Agent:RunAs</c>), so concurrent jobs' agents cannot reach each other. 0 turns the pool off: every worker keeps
    /// the <c>Agent:RunAs</c> it is given (the worker's default is 10001 for all). An <c>Agent__RunAs</c> in the
    /// conductor's environment (handed on to the workers) also wins over the pool. Takes effect only for a root worker.
    /// </summary>
    public int AgentUidBase { get; set; } = 10001;

    /// <summary>Keep each exited worker's <c>work/</c> folder (for debugging); by default it is removed as soon as the worker exits.</summary>
    public bool KeepWorkFolders { get; set; }

    /// <summary>Where the default command looks for the worker, in order (tests point it elsewhere).</summary>
    internal IReadOnlyList<string> WorkerCandidates { get; set; } = WorkerProgram.DefaultCandidates;

    /// <summary>The command to run; null when it is the default and no worker was found at any of <see cref="WorkerCandidates"/>.</summary>
    public IReadOnlyList<string>? ResolveCommand() =>
        WorkerCommand.Count > 0 ? WorkerCommand
        : WorkerProgram.Find(WorkerCandidates) is { } program ? [WorkerProgram.DotnetHost(), program]
        : null;

    /// <summary>Why the default command cannot run: no worker at any of the places looked at.</summary>
    public string MissingWorker() =>
        $"the worker program {WorkerProgram.FileName} is in none of: {string.Join(", ", WorkerCandidates)}; build it " +
        "(dotnet build conductor builds it too) or set LocalLauncher:WorkerCommand";

    /// <summary>
    /// The arguments of <see cref="WorkerCommand"/> that set a secret-looking name (<c>--GITHUB_TOKEN=…</c>, <c>--Agent:ModelKey=…</c>:
    /// a name ending in token, secret, password or key) to a value, by index and name; never the value.
    /// </summary>
    public IEnumerable<(int Index, string Name)> SecretsOnTheCommandLine()
    {
        for (var i = 1; i < WorkerCommand.Count; i++)
        {
            var argument = WorkerCommand[i].TrimStart('-', '/');
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == argument.Length - 1)
            {
                continue;
            }

            var name = argument[..equals];
            if (SecretSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            {
                yield return (i, name);
            }
        }
    }

    private static readonly string[] SecretSuffixes = ["token", "secret", "password", "key"];

    /// <summary>
    /// Names of the conductor's environment variables handed on to every worker on top of <see cref="WorkerEnvironment"/>'s
    /// allowlist; nothing else of the conductor's environment reaches a worker.
    /// </summary>
    public List<string> PassEnvironment { get; set; } = [];
}
