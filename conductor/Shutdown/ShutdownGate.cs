using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Shutdown;

/// <summary>
/// The deploy's drain switch. While the flag file reads <c>true</c> the gate is closed: intake and the
/// dispatcher stop (messages pool in the queue, pending jobs wait in the database) and running workers keep
/// being served. When no job is active, the gate writes <c>true</c> into the ready file and tells the host to
/// exit. <c>false</c> before that reopens it. A flag that already reads <c>true</c> when the conductor starts
/// holds work but never exits the new process: that is the deploy starting its replacement.
/// Garbage or an unreadable flag counts as "not shutting down" and is logged once per distinct problem.
/// </summary>
internal sealed partial class ShutdownGate(IOptions<ShutdownOptions> options, ConductorDatabase database, TimeProvider time, ILogger<ShutdownGate> logger)
{
    private readonly Lock _gate = new();
    private string? _lastProblem;
    private bool _checkedOnce;

    public GatePhase Phase { get; private set; } = GatePhase.Open;

    /// <summary>True while intake and launches must not happen.</summary>
    public bool IsClosed => Phase != GatePhase.Open;

    public int ActiveJobs { get; private set; }

    public DateTimeOffset? DrainingSince { get; private set; }

    /// <summary>Reads the flag and the active jobs once; true when the conductor should exit now.</summary>
    public bool Check()
    {
        lock (_gate)
        {
            var drain = ReadFlag() == ShutdownFlagValue.True;
            if (!_checkedOnce)
            {
                _checkedOnce = true;
                Phase = drain ? GatePhase.HeldAtStartup : GatePhase.Open;
                if (drain)
                {
                    Log.HeldAtStartup(logger, options.Value.FlagPath);
                }
                else
                {
                    RemoveStaleReadyFile();
                }
            }

            switch (Phase)
            {
                case GatePhase.Open when drain:
                    Phase = GatePhase.Draining;
                    DrainingSince = time.GetUtcNow();
                    Log.DrainStarted(logger, options.Value.FlagPath);
                    break;
                case GatePhase.HeldAtStartup or GatePhase.Draining when !drain:
                    Phase = GatePhase.Open;
                    DrainingSince = null;
                    Log.Resumed(logger, options.Value.FlagPath);
                    break;
            }

            if (Phase == GatePhase.Draining)
            {
                ActiveJobs = CountActiveJobs();
                if (ActiveJobs == 0)
                {
                    File.WriteAllText(options.Value.ReadyPath, "true\n");
                    Phase = GatePhase.Drained;
                    Log.Drained(logger, options.Value.ReadyPath);
                }
            }

            return Phase == GatePhase.Drained;
        }
    }

    private ShutdownFlagValue ReadFlag()
    {
        var (value, problem) = ShutdownFlag.Read(options.Value.FlagPath);
        if (problem is not null && problem != _lastProblem)
        {
            Log.FlagUnreadable(logger, problem);
        }

        _lastProblem = problem;
        return value;
    }

    private int CountActiveJobs()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM jobs WHERE state IN ({string.Join(", ", JobStates.Active.Select(s => $"'{JobStates.ToName(s)}'"))})";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void RemoveStaleReadyFile()
    {
        if (File.Exists(options.Value.ReadyPath))
        {
            File.Delete(options.Value.ReadyPath);
            Log.StaleReadyRemoved(logger, options.Value.ReadyPath);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, EventName = "ShutdownDrainStarted", Level = LogLevel.Warning, Message = "{FlagPath} reads true: intake and launches stopped; waiting for active jobs to finish")]
        public static partial void DrainStarted(ILogger logger, string flagPath);

        [LoggerMessage(EventId = 301, EventName = "ShutdownResumed", Level = LogLevel.Warning, Message = "{FlagPath} no longer reads true: intake and launches resumed")]
        public static partial void Resumed(ILogger logger, string flagPath);

        [LoggerMessage(EventId = 302, EventName = "ShutdownDrained", Level = LogLevel.Warning, Message = "No active jobs: wrote {ReadyPath}; exiting")]
        public static partial void Drained(ILogger logger, string readyPath);

        [LoggerMessage(EventId = 303, EventName = "ShutdownHeldAtStartup", Level = LogLevel.Warning, Message = "{FlagPath} already reads true at startup: holding intake and launches until it reads false (this process will not exit on it)")]
        public static partial void HeldAtStartup(ILogger logger, string flagPath);

        [LoggerMessage(EventId = 304, EventName = "ShutdownFlagUnreadable", Level = LogLevel.Error, Message = "Shutdown flag ignored (treated as not shutting down): {Problem}")]
        public static partial void FlagUnreadable(ILogger logger, string problem);

        [LoggerMessage(EventId = 305, EventName = "ShutdownStaleReadyRemoved", Level = LogLevel.Information, Message = "Removed a stale {ReadyPath} left by an earlier conductor")]
        public static partial void StaleReadyRemoved(ILogger logger, string readyPath);
    }
}
