using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// A job's archive: where its objects are once uploaded, and the failures so far while uploads fail. Absent (null)
/// for jobs that have not finished, and for finished ones not yet tried (or with the archive off).
/// </summary>
internal sealed record JobArchiveView(
    DateTimeOffset? ArchivedAt, string? Location, IReadOnlyList<ArchivedObjectView>? Objects, int Failures, string? LastError, DateTimeOffset? NextAttemptAt)
{
    /// <summary>Columns of <c>job_archives a</c>, read by <see cref="From"/> from a given ordinal on.</summary>
    public const string Columns = "a.archived_at, a.location, a.url, a.failures, a.last_error, a.due_at";

    public static JobArchiveView? From(SqliteDataReader r, int first)
    {
        var archivedAt = UnixTime.FromMs(r.GetInt64OrNull(first));
        var failures = r.IsDBNull(first + 3) ? 0 : r.GetInt32(first + 3);
        if (archivedAt is null && failures == 0)
        {
            return null;
        }

        if (archivedAt is not null && r.GetStringOrNull(first + 1) is { } location && r.GetStringOrNull(first + 2) is { } url)
        {
            return new JobArchiveView(
                archivedAt, location, [.. ArchiveObjects.Names.Select(name => new ArchivedObjectView(name, location + name, url + name))], failures, null, null);
        }

        return new JobArchiveView(null, null, null, failures, r.GetStringOrNull(first + 4), UnixTime.FromMs(r.GetInt64OrNull(first + 5)));
    }
}

/// <summary>One archived object: its <c>s3://</c> URI and its https:// URL.</summary>
internal sealed record ArchivedObjectView(string Name, string Uri, string Url);
