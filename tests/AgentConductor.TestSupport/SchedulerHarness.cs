using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.TestSupport;

/// <summary>A real scheduler on a real SQLite file in a temp folder, with helpers to send messages and read tables.</summary>
internal sealed class SchedulerHarness : IDisposable
{
    private readonly TempDirectory _directory = new();
    private Scheduler _scheduler;

    public SchedulerHarness(SchedulerOptions? options = null, IntakeOptions? intake = null, FollowUpSettings? followUps = null)
    {
        Options = options ?? new SchedulerOptions();
        Intake = intake ?? new IntakeOptions();
        FollowUps = followUps ?? FollowUpSettings.Default;
        Storage = new StorageOptions { DatabasePath = _directory.File("conductor.db") };
        Database = ConductorDatabase.Open(Storage);
        _scheduler = new Scheduler(Database, Options, Intake, FollowUps);
    }

    public SchedulerOptions Options { get; }

    public FollowUpSettings FollowUps { get; }

    public IntakeOptions Intake { get; }

    public StorageOptions Storage { get; }

    public ConductorDatabase Database { get; private set; }

    public Task<ScheduleResult> SendAsync(string messageId, string body, DateTimeOffset at) =>
        _scheduler.ScheduleAsync([new InboundMessage(messageId, body, at)], CancellationToken.None);

    public Task<ScheduleResult> SendBatchAsync(IReadOnlyList<InboundMessage> messages) =>
        _scheduler.ScheduleAsync(messages, CancellationToken.None);

    /// <summary>Closes the scheduler and every connection, then opens them again, as a process restart would.</summary>
    public void Restart()
    {
        _scheduler.Dispose();
        SqliteConnection.ClearAllPools();
        Database = ConductorDatabase.Open(Storage);
        _scheduler = new Scheduler(Database, Options, Intake, FollowUps);
    }

    public long Count(string table, string where = "1 = 1")
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table} WHERE {where}";
        return (long)command.ExecuteScalar()!;
    }

    public object? Scalar(string sql)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public List<(string Account, long First, long Last, long Count)> LiveIncidents()
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT account, first_alarm_at, last_alarm_at, alarm_count FROM incidents WHERE merged_into IS NULL ORDER BY account, first_alarm_at";
        using var reader = command.ExecuteReader();
        var incidents = new List<(string, long, long, long)>();
        while (reader.Read())
        {
            incidents.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return incidents;
    }

    public void Dispose()
    {
        _scheduler.Dispose();
        _directory.Dispose();
    }
}
