using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// Writes a finished job's archive files (<see cref="ArchiveObjects"/>) into a folder, from one consistent read of the
/// database, every text masked again with the secrets known now (a credential may have been registered after a row was stored).
/// </summary>
internal static class ArchiveFiles
{
    /// <summary>False (and nothing written) when the job does not exist or has not finished.</summary>
    public static bool Write(ConductorDatabase database, string jobId, string folder, SecretRegistry secrets)
    {
        using var connection = database.OpenConnection();
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var db = new Statements(connection) { Transaction = snapshot };
        if (db.QueryString("SELECT state FROM jobs WHERE id = @id", ("@id", jobId)) is not { } state || !JobStates.IsTerminal(JobStates.Parse(state)))
        {
            return false;
        }

        var counts = LogFiles.Write(db, jobId, Path.Combine(folder, ArchiveObjects.Log), Path.Combine(folder, ArchiveObjects.Transcript), secrets);
        ResultDocument.Write(db, jobId, counts, Path.Combine(folder, ArchiveObjects.Result), secrets);
        snapshot.Commit();
        return true;
    }
}
