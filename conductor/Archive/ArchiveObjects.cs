namespace AgentConductor.Conductor.Archive;

/// <summary>The objects archived for every finished job, in upload order: <c>result.json</c> last, so its presence means the set is complete.</summary>
internal static class ArchiveObjects
{
    /// <summary>Every log line and progress event the worker published, in order, as text.</summary>
    public const string Log = "log.txt";

    /// <summary>The agent's side of the log (its output and progress events), one JSON object per line.</summary>
    public const string Transcript = "transcript.jsonl";

    /// <summary>The job, its reported result and its audit trail.</summary>
    public const string Result = "result.json";

    /// <summary>
    /// The agent's session (<see cref="Sessions.SessionStore"/>), when its worker handed one over: uploaded before
    /// <see cref="Result"/>, and read back for a follow-up when the conductor's own copy is gone. Not in <see cref="Names"/>.
    /// </summary>
    public const string Session = "codex-session.tar.gz";

    public static IReadOnlyList<string> Names { get; } = [Log, Transcript, Result];

    public static string ContentType(string name) => name switch
    {
        Log => "text/plain; charset=utf-8",
        Transcript => "application/x-ndjson",
        Result => "application/json",
        Session => "application/gzip",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
