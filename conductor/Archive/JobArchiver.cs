using AgentConductor.Common;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Storage;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// Uploads finished jobs' archives: for each due row of <see cref="ArchiveQueue"/>, writes the files from the database,
/// uploads them under <c>&lt;prefix&gt;/&lt;job-id&gt;/</c> with the agent's session when there is one (<c>result.json</c> last)
/// and marks the job archived. A failed upload
/// is recorded on the job with a backed-off retry time and ends the pass (the store is likely down for the others too);
/// the job itself is never touched. Upload failures are logged once until an upload succeeds again.
/// </summary>
internal sealed partial class JobArchiver(
    ArchiveQueue queue,
    ConductorDatabase database,
    IArchiveStorage storage,
    SecretRegistry secrets,
    Sessions.SessionStore sessions,
    IOptions<ArchiveOptions> options,
    Backoff backoff,
    TimeProvider time,
    ILogger<JobArchiver> logger)
{
    private readonly ArchiveLocation _location = new(options.Value);
    private bool _failing;

    /// <summary>Archives up to <c>Archive:BatchSize</c> due jobs; returns how many rows it settled (archived or dropped).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var settled = 0;
        foreach (var job in queue.Due(time.GetUtcNow(), settings.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await ArchiveAsync(job, cancellationToken);
                settled++;
            }
            catch (ArchiveUploadException ex)
            {
                var retryAt = time.GetUtcNow() + backoff.Delay(job.Failures + 1, settings.RetryBase, settings.RetryCap);
                queue.MarkFailed(job, ex.Message, retryAt);
                if (!_failing)
                {
                    _failing = true;
                    Log.UploadsFailing(logger, job.JobId, ex.Message, retryAt);
                }
                else
                {
                    Log.UploadFailed(logger, job.JobId, ex.Message, retryAt);
                }

                return settled;
            }
        }

        return settled;
    }

    private async Task ArchiveAsync(PendingArchive job, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("agent-conductor-archive-");
        try
        {
            if (!ArchiveFiles.Write(database, job.JobId, folder.FullName, secrets))
            {
                // A lost job that went back to pending after it was read as due, or a row without its job.
                queue.Drop(job);
                return;
            }

            foreach (var name in ArchiveObjects.Names.Where(n => n != ArchiveObjects.Result))
            {
                await storage.PutFileAsync(_location.Key(job.JobId, name), Path.Combine(folder.FullName, name), ArchiveObjects.ContentType(name), cancellationToken);
            }

            if (sessions.Find(job.JobId) is { } session && sessions.LocalFile(session) is { } sessionFile)
            {
                await storage.PutFileAsync(_location.Key(job.JobId, ArchiveObjects.Session), sessionFile, ArchiveObjects.ContentType(ArchiveObjects.Session), cancellationToken);
            }

            await storage.PutFileAsync(
                _location.Key(job.JobId, ArchiveObjects.Result), Path.Combine(folder.FullName, ArchiveObjects.Result), ArchiveObjects.ContentType(ArchiveObjects.Result), cancellationToken);

            var location = _location.FolderUri(job.JobId);
            if (queue.MarkArchived(job, location, _location.FolderUrl(job.JobId), time.GetUtcNow()))
            {
                Log.Archived(logger, job.JobId, location);
            }

            if (_failing)
            {
                _failing = false;
                Log.UploadsRecovered(logger);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 560, EventName = "JobArchived", Level = LogLevel.Information, Message = "Job {JobId} archived to {Location}")]
        public static partial void Archived(ILogger logger, string jobId, string location);

        [LoggerMessage(EventId = 561, EventName = "ArchiveUploadsFailing", Level = LogLevel.Warning, Message = "Archiving job {JobId} failed: {Reason}; retrying at {RetryAt} (further failures are logged at debug level until an upload succeeds)")]
        public static partial void UploadsFailing(ILogger logger, string jobId, string reason, DateTimeOffset retryAt);

        [LoggerMessage(EventId = 562, EventName = "ArchiveUploadFailed", Level = LogLevel.Debug, Message = "Archiving job {JobId} failed: {Reason}; retrying at {RetryAt}")]
        public static partial void UploadFailed(ILogger logger, string jobId, string reason, DateTimeOffset retryAt);

        [LoggerMessage(EventId = 563, EventName = "ArchiveUploadsRecovered", Level = LogLevel.Information, Message = "Archive uploads succeed again")]
        public static partial void UploadsRecovered(ILogger logger);
    }
}
