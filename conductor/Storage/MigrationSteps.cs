using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// What a migration needs beyond its SQL, run right after it in the same transaction. Keyed by the migration's name, not
/// its number, so renumbering a migration when branches are merged keeps its step.
/// </summary>
internal static class MigrationSteps
{
    public static IReadOnlyDictionary<string, Action<SqliteConnection, SqliteTransaction>> ByName { get; } =
        new Dictionary<string, Action<SqliteConnection, SqliteTransaction>>(StringComparer.Ordinal)
        {
            ["follow_ups"] = (connection, transaction) =>
            {
                TableRebuild.Replace(connection, transaction, "events", (
                    "CHECK (kind IN ('ticket', 'alarm', 'rejected'))",
                    "CHECK (kind IN ('ticket', 'alarm', 'github', 'rejected'))"));
                TableRebuild.Replace(
                    connection,
                    transaction,
                    "jobs",
                    ("CHECK (kind IN ('ticket', 'incident'))", "CHECK (kind IN ('ticket', 'incident', 'followup'))"),
                    (
                        "OR (kind = 'incident' AND incident_id IS NOT NULL))",
                        "OR (kind = 'incident' AND incident_id IS NOT NULL)\n        OR (kind = 'followup' AND parent_job_id IS NOT NULL AND followup_seq IS NOT NULL AND pull_request_url IS NOT NULL))"));
            },
        };
}
