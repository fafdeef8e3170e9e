using System.Security.Cryptography;
using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.TaskFiles;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Sessions;

/// <summary>
/// Keeps each job's agent session (the archive of Codex's rollout files its worker uploaded, and the thread id) with the
/// job: the file under <c>&lt;TaskFiles:WorkFolder&gt;/&lt;job-id&gt;/session/</c>, its row in <c>job_sessions</c>. With the
/// archive on, <see cref="JobArchiver"/> uploads the file with the job's other objects, and a follow-up whose session's
/// file is gone here (another host, a cleaned disk) gets it back from S3. Every copy is checked against the stored size
/// and digest before it is served.
/// </summary>
internal sealed partial class SessionStore(
    ConductorDatabase database,
    GroupCommitWriter writer,
    IOptions<TaskFileOptions> taskFiles,
    IOptions<ArchiveOptions> archiveOptions,
    ILogger<SessionStore> logger,
    IArchiveStorage? archive = null)
{
    public const string FileName = ArchiveObjects.Session;

    public string Folder(string jobId) => Path.GetFullPath(Path.Combine(taskFiles.Value.WorkFolder, jobId, "session"));

    public StoredSession? Find(string jobId)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return Read(db, "SELECT job_id, thread_id, size, sha256, stored_at FROM job_sessions WHERE job_id = CAST(@id AS TEXT)", ("@id", jobId));
    }

    /// <summary>
    /// The session a follow-up resumes: the latest one of its pull request's jobs before it (its parent, then its earlier
    /// follow-ups, which ran one at a time, so the highest number is the newest conversation). Null when none left one.
    /// </summary>
    public StoredSession? LatestBefore(string parentJobId, int sequence)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return Read(
            db,
            """
            SELECT s.job_id, s.thread_id, s.size, s.sha256, s.stored_at FROM job_sessions s JOIN jobs j ON j.id = s.job_id
            WHERE j.id = @parent OR (j.parent_job_id = @parent AND j.followup_seq < @sequence)
            ORDER BY coalesce(j.followup_seq, 0) DESC LIMIT 1
            """,
            ("@parent", parentJobId), ("@sequence", sequence));
    }

    /// <summary>
    /// Keeps <paramref name="uploaded"/> (already checked: size, digest, contents) as the job's session, replacing an
    /// earlier one: the file is moved into place, then the row written.
    /// </summary>
    public async Task SaveAsync(string jobId, string threadId, string uploaded, long size, string sha256, DateTimeOffset at)
    {
        File.Move(uploaded, Path.Combine(Folder(jobId), FileName), overwrite: true);
        await writer.WriteAsync(db => db.Execute(
            """
            INSERT INTO job_sessions (job_id, thread_id, size, sha256, stored_at) VALUES (@id, @thread, @size, @sha, @at)
            ON CONFLICT (job_id) DO UPDATE SET thread_id = excluded.thread_id, size = excluded.size, sha256 = excluded.sha256, stored_at = excluded.stored_at
            """,
            ("@id", jobId), ("@thread", threadId), ("@size", size), ("@sha", sha256), ("@at", UnixTime.ToMs(at))));
        Log.Stored(logger, jobId, threadId, size);
    }

    /// <summary>The session's file here, when it is there with the stored size; null otherwise.</summary>
    public string? LocalFile(StoredSession session)
    {
        var file = new FileInfo(Path.Combine(Folder(session.JobId), FileName));
        return file.Exists && file.LinkTarget is null && file.Length == session.Size ? file.FullName : null;
    }

    /// <summary>
    /// The session's file, verified against its digest: the local copy, else (archive on) the archived object downloaded
    /// into place. Null, logged with the reason, when neither is there or neither matches: the follow-up then runs afresh.
    /// </summary>
    public async Task<string?> OpenVerifiedAsync(StoredSession session, CancellationToken cancellationToken)
    {
        if (LocalFile(session) is { } local && await DigestAsync(local, cancellationToken) == session.Sha256)
        {
            return local;
        }

        var settings = archiveOptions.Value;
        if (archive is null || !settings.Enabled)
        {
            Log.Unavailable(logger, session.JobId, "its file is missing or changed here and the archive is off");
            return null;
        }

        var folder = Folder(session.JobId);
        Directory.CreateDirectory(folder);
        var download = Path.Combine(folder, $"download-{Guid.NewGuid():N}.tmp");
        try
        {
            var key = new ArchiveLocation(settings).Key(session.JobId, FileName);
            if (!await archive.GetFileAsync(key, download, cancellationToken))
            {
                Log.Unavailable(logger, session.JobId, $"its file is missing here and in the archive ({key})");
                return null;
            }

            if (new FileInfo(download).Length != session.Size || await DigestAsync(download, cancellationToken) != session.Sha256)
            {
                Log.Unavailable(logger, session.JobId, $"the archived copy ({key}) does not match the size and digest stored with it");
                return null;
            }

            var target = Path.Combine(folder, FileName);
            File.Move(download, target, overwrite: true);
            Log.Restored(logger, session.JobId, key);
            return target;
        }
        catch (ArchiveUploadException ex)
        {
            Log.Unavailable(logger, session.JobId, ex.Message);
            return null;
        }
        finally
        {
            File.Delete(download);
        }
    }

    private static async Task<string> DigestAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private static StoredSession? Read(Statements db, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var reader = db.Query(sql, parameters);
        return reader.Read()
            ? new StoredSession(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), UnixTime.FromMs(reader.GetInt64(4)))
            : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 490, EventName = "AgentSessionStored", Level = LogLevel.Information, Message = "Stored the agent session of job {JobId} (thread {ThreadId}, {Size} bytes)")]
        public static partial void Stored(ILogger logger, string jobId, string threadId, long size);

        [LoggerMessage(EventId = 491, EventName = "AgentSessionUnavailable", Level = LogLevel.Warning, Message = "The agent session of job {JobId} cannot be served: {Reason}; its follow-up starts the agent afresh")]
        public static partial void Unavailable(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 492, EventName = "AgentSessionRestored", Level = LogLevel.Information, Message = "Restored the agent session of job {JobId} from the archive ({Key})")]
        public static partial void Restored(ILogger logger, string jobId, string key);
    }
}
