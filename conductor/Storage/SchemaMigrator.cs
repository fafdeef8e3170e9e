using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each in its own transaction,
/// recording progress in SQLite's <c>user_version</c>. A database newer than this code is refused.
/// </summary>
internal static partial class SchemaMigrator
{
    public static IReadOnlyList<Migration> Migrations { get; } = LoadEmbeddedMigrations();

    public static int LatestVersion => Migrations[^1].Version;

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Migrate(SqliteConnection connection, string path)
    {
        var current = ReadVersion(connection);
        if (current > LatestVersion)
        {
            throw new StorageException(
                $"The database '{path}' has schema version {current}, newer than this conductor understands " +
                $"(up to {LatestVersion}). It was written by a newer conductor: run that version, or restore a backup.");
        }

        // A migration that rebuilds a table (SQLite cannot change a CHECK constraint in place; see TableRebuild) must run
        // with foreign keys off, and the pragma is ignored inside a transaction; so they are off for every migration and
        // checked before each commit instead.
        Execute(connection, null, "PRAGMA foreign_keys = OFF");
        try
        {
            foreach (var migration in Migrations.Where(m => m.Version > current))
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, transaction, migration.Sql + $"\nPRAGMA user_version = {migration.Version};");
                if (MigrationSteps.ByName.TryGetValue(migration.Name, out var step))
                {
                    step(connection, transaction);
                }

                CheckForeignKeys(connection, transaction, migration);
                transaction.Commit();
            }
        }
        finally
        {
            Execute(connection, null, "PRAGMA foreign_keys = ON");
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void CheckForeignKeys(SqliteConnection connection, SqliteTransaction transaction, Migration migration)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA foreign_key_check";
        using var reader = command.ExecuteReader();
        var broken = new List<string>();
        while (reader.Read() && broken.Count < 5)
        {
            broken.Add($"{reader.GetString(0)} row {(reader.IsDBNull(1) ? "?" : reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture))} -> {reader.GetString(2)}");
        }

        if (broken.Count > 0)
        {
            throw new StorageException($"Migration {migration.Version} ({migration.Name}) would leave broken references: {string.Join("; ", broken)}.");
        }
    }

    private static List<Migration> LoadEmbeddedMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(name);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Embedded migrations must be numbered 1..N without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
