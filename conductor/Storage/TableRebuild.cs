using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// Changes what SQLite cannot alter in place (a CHECK constraint) the way its documentation prescribes: a new table from
/// the stored definition with the change, every row copied, the old table dropped, the new one renamed, its indexes and
/// triggers created again. The definition is the one stored in the database, so columns that earlier migrations added
/// are kept whatever they are. Runs inside the migration's transaction, with foreign keys off (see <see cref="SchemaMigrator"/>).
/// </summary>
internal static partial class TableRebuild
{
    public static void Replace(SqliteConnection connection, SqliteTransaction transaction, string table, params (string Old, string New)[] changes)
    {
        var definition = Scalar(connection, transaction, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = @name", table)
            ?? throw new StorageException($"Cannot rebuild table {table}: there is no such table.");
        foreach (var (old, replacement) in changes)
        {
            if (!definition.Contains(old, StringComparison.Ordinal))
            {
                throw new StorageException($"Cannot rebuild table {table}: its definition has no \"{old}\" to change.");
            }

            definition = definition.Replace(old, replacement, StringComparison.Ordinal);
        }

        if (!CreateTable().IsMatch(definition))
        {
            throw new StorageException($"Cannot rebuild table {table}: its definition does not start with CREATE TABLE.");
        }

        var rebuilt = table + "_rebuilt";
        var create = CreateTable().Replace(definition, $"CREATE TABLE {rebuilt}", 1);

        var dependents = new List<string>();
        using (var command = Command(connection, transaction, "SELECT sql FROM sqlite_schema WHERE tbl_name = @name AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid"))
        {
            command.Parameters.AddWithValue("@name", table);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                dependents.Add(reader.GetString(0));
            }
        }

        Execute(connection, transaction, create);
        Execute(connection, transaction, $"INSERT INTO {rebuilt} SELECT * FROM {table}");
        Execute(connection, transaction, $"DROP TABLE {table}");
        // Legacy renaming leaves other objects' text alone and skips re-checking the whole schema while the name is free.
        Execute(connection, transaction, "PRAGMA legacy_alter_table = ON");
        Execute(connection, transaction, $"ALTER TABLE {rebuilt} RENAME TO {table}");
        Execute(connection, transaction, "PRAGMA legacy_alter_table = OFF");
        foreach (var sql in dependents)
        {
            Execute(connection, transaction, sql);
        }
    }

    private static string? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, string name)
    {
        using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("@name", name);
        return command.ExecuteScalar() as string;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    // The stored text starts "CREATE TABLE name" (SQLite normalises the keywords); the name may be quoted.
    [GeneratedRegex("""^CREATE TABLE\s+(?:"[^"]+"|\w+)""")]
    private static partial Regex CreateTable();
}
