using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

/// <summary>
/// What an <see cref="SqsPoller"/> works with in the conductor, built by hand on a temp SQLite file: the real scheduler,
/// shutdown gate (with its flag file), dispatch signal and status. <see cref="Restart"/> reopens them as a new process would.
/// </summary>
internal sealed class SqsIntakeRig : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ShutdownOptions _shutdown;

    private readonly FollowUpSettings? _followUps;

    public SqsIntakeRig(TimeSpan? busyTimeout = null, FollowUpSettings? followUps = null)
    {
        _followUps = followUps;
        Storage = new StorageOptions { DatabasePath = _directory.File("conductor.db"), BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) };
        _shutdown = new ShutdownOptions { FlagPath = _directory.File("IS_CONDUCTOR_SHUTTING_DOWN"), ReadyPath = _directory.File("READY") };
        File.WriteAllText(_shutdown.FlagPath, "false\n");
        Open();
    }

    public StorageOptions Storage { get; }

    public ConductorDatabase Database { get; private set; } = null!;

    public Scheduler Scheduler { get; private set; } = null!;

    public ShutdownGate Gate { get; private set; } = null!;

    public DispatchSignal Dispatch { get; } = new();

    public SqsIntakeStatus Status { get; } = new(TimeProvider.System);

    public ListLogger<SqsPoller> Logs { get; } = new();

    public SqsPoller Poller(ISqsClient client, SqsIntakeOptions options) =>
        new(client, Scheduler, Gate, Dispatch, new RejectedMessageLookup(Database), Options.Create(options), Status, TimeProvider.System, Logs);

    /// <summary>Writes the shutdown flag and lets the gate read it.</summary>
    public void Flag(bool shuttingDown)
    {
        File.WriteAllText(_shutdown.FlagPath, shuttingDown ? "true\n" : "false\n");
        Gate.Check();
    }

    /// <summary>Closes the scheduler and every connection and opens them again: a conductor restart.</summary>
    public void Restart()
    {
        Scheduler.Dispose();
        SqliteConnection.ClearAllPools();
        Open();
    }

    public long Count(string table, string where = "1 = 1") => (long)Scalar($"SELECT count(*) FROM {table} WHERE {where}")!;

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Database.Scalar(sql, parameters);

    public void Dispose()
    {
        Scheduler.Dispose();
        _directory.Dispose();
    }

    private void Open()
    {
        Database = ConductorDatabase.Open(Storage);
        Scheduler = new Scheduler(Database, new SchedulerOptions(), new IntakeOptions(), _followUps);
        Gate = new ShutdownGate(Options.Create(_shutdown), Database, TimeProvider.System, NullLogger<ShutdownGate>.Instance);
        Gate.Check();
    }
}
