using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// <c>job_archives</c>: rows are queued by trigger when a job ends (see migration 0004). Every change here is
/// conditional on the row still being the one read, so a job that ended again meanwhile is archived again.
/// </summary>
internal sealed class ArchiveQueue(ConductorDatabase database)
{
    private const string SameRow = "job_id = @id AND job_event_id = @event AND archived_at IS NULL";

    public IReadOnlyList<PendingArchive> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query(
            "SELECT job_id, job_event_id, failures FROM job_archives WHERE archived_at IS NULL AND due_at <= @now ORDER BY due_at, job_id LIMIT @limit",
            ("@now", UnixTime.ToMs(now)), ("@limit", limit));
        var due = new List<PendingArchive>();
        while (reader.Read())
        {
            due.Add(new PendingArchive(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)));
        }

        return due;
    }

    public bool MarkArchived(PendingArchive job, string location, string url, DateTimeOffset at) => Execute(
        $"UPDATE job_archives SET archived_at = @at, location = @location, url = @url, last_error = NULL WHERE {SameRow}",
        ("@at", UnixTime.ToMs(at)), ("@location", location), ("@url", url), ("@id", job.JobId), ("@event", job.JobEventId));

    public bool MarkFailed(PendingArchive job, string error, DateTimeOffset retryAt) => Execute(
        $"UPDATE job_archives SET failures = failures + 1, last_error = CAST(@error AS TEXT), due_at = @retry WHERE {SameRow}",
        ("@error", error), ("@retry", UnixTime.ToMs(retryAt)), ("@id", job.JobId), ("@event", job.JobEventId));

    /// <summary>Removes a row whose job is no longer finished (or no longer exists).</summary>
    public bool Drop(PendingArchive job) => Execute($"DELETE FROM job_archives WHERE {SameRow}", ("@id", job.JobId), ("@event", job.JobEventId));

    private bool Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return db.Execute(sql, parameters) > 0;
    }
}
