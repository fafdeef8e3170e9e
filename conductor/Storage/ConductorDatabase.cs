using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// Opens connections to the conductor's SQLite file with the settings every connection needs
/// (WAL, full fsync on commit, foreign keys, busy timeout) and brings the schema up to date.
/// </summary>
internal sealed class ConductorDatabase
{
    // 64 MiB of page cache per connection keeps index lookups in memory as history grows (SQLite's default is 2 MiB).
    private const int CacheKibibytes = 64 * 1024;

    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    private ConductorDatabase(string path, TimeSpan busyTimeout)
    {
        Path = System.IO.Path.GetFullPath(path);
        _busyTimeoutMs = (int)busyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement for its command timeout (30 s by default) on top of SQLite's own
            // busy_timeout; without this a busy database made callers wait 30 s instead of Storage:BusyTimeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (creating when missing) and migrates the database; throws <see cref="StorageException"/> with a readable reason.</summary>
    public static ConductorDatabase Open(StorageOptions options)
    {
        var database = new ConductorDatabase(options.DatabasePath, options.BusyTimeout);
        var folder = System.IO.Path.GetDirectoryName(database.Path);
        try
        {
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = database.OpenConnection();
            SchemaMigrator.Migrate(connection, database.Path);
        }
        catch (SqliteException ex)
        {
            throw new StorageException(DescribeOpenFailure(database.Path, ex), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Cannot open the database '{database.Path}': {ex.Message}", ex);
        }

        return database;
    }

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // synchronous=FULL: a committed event survives power loss, so deleting its SQS message afterwards is safe.
        pragma.CommandText = $"""
            PRAGMA busy_timeout = {_busyTimeoutMs};
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            PRAGMA cache_size = -{CacheKibibytes};
            """;
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static string DescribeOpenFailure(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => $"'{path}' is not a conductor database (SQLite says: file is not a database). Point Storage:DatabasePath at the right file or move this one away.",
        11 => $"The database '{path}' is corrupt (SQLite says: {ex.Message}). Restore it from a backup.",
        14 => $"Cannot open the database '{path}': SQLite cannot open the file (check the folder exists and is writable).",
        8 => $"The database '{path}' is read-only; the conductor needs to write to it.",
        5 => $"The database '{path}' is locked by another process; is another conductor running on it?",
        _ => $"Cannot open the database '{path}': {ex.Message}",
    };
}
