using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// Group commit for the frequent small writes of the worker API (heartbeats, progress, handshakes, results). Callers
/// queue a write and await it; one loop runs every write queued meanwhile in a single immediate transaction on its
/// own connection, each write in its own savepoint. A commit with <c>synchronous=FULL</c> costs one fsync (about 2 ms
/// here), so one write per transaction caps the conductor at a few hundred writes a second, and thousands of workers
/// heartbeating would queue on SQLite's write lock with a blocked thread each. Batched, N writes share that fsync.
/// </summary>
/// <remarks>
/// Nothing is weaker than one transaction per write: a caller's task completes only after the commit that carries its
/// write. A write that throws rolls back its own savepoint and fails alone; a failed commit fails its whole batch.
/// </remarks>
internal sealed partial class GroupCommitWriter : IAsyncDisposable, IDisposable
{
    /// <summary>Bounds one transaction, so a flood of writes cannot hold the write lock for long.</summary>
    public const int MaxBatch = 512;

    // The writer touches the jobs rows and the newest job_logs page of each active job, not the history the 64 MiB
    // of other connections keep for index lookups; 16 MiB holds that for thousands of jobs.
    private const int CacheKibibytes = 16 * 1024;

    private readonly ConductorDatabase _database;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly Channel<IQueuedWrite> _queue = Channel.CreateUnbounded<IQueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitWriter(ConductorDatabase database, ILogger<GroupCommitWriter> logger)
    {
        _database = database;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    private interface IQueuedWrite
    {
        void Run(Statements db);

        void Committed();

        void Fail(Exception exception);
    }

    /// <summary>Runs <paramref name="write"/> inside the next batch's transaction; completes once that transaction is committed.</summary>
    public Task<T> WriteAsync<T>(Func<Statements, T> write)
    {
        var queued = new QueuedWrite<T>(write);
        return _queue.Writer.TryWrite(queued)
            ? queued.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(GroupCommitWriter), "The conductor is stopping; nothing was written."));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        var batch = new List<IQueuedWrite>(MaxBatch);
        SqliteConnection? connection = null;
        Statements? db = null;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            try
            {
                connection ??= OpenConnection();
                db ??= new Statements(connection);
                Commit(connection, db, batch);
            }
            catch (Exception ex)
            {
                Log.BatchFailed(_logger, batch.Count, ex);
                batch.ForEach(w => w.Fail(ex));
                db?.Dispose();
                connection?.Dispose();
                (db, connection) = (null, null);
            }

            batch.Clear();
        }

        db?.Dispose();
        connection?.Dispose();
    }

    private SqliteConnection OpenConnection()
    {
        var connection = _database.OpenConnection();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA cache_size = -{CacheKibibytes}";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void Commit(SqliteConnection connection, Statements db, List<IQueuedWrite> batch)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        db.Transaction = transaction;
        var done = new List<IQueuedWrite>(batch.Count);
        foreach (var write in batch)
        {
            // Savepoints through the prepared statements of this connection, not SqliteTransaction.Save (a new command each time).
            db.Execute("SAVEPOINT write");
            try
            {
                write.Run(db);
                db.Execute("RELEASE write");
                done.Add(write);
            }
            catch (Exception ex) when (ex is not SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 })
            {
                // Busy, locked, I/O error or full disk break the transaction itself; anything else is this write's own.
                db.Execute("ROLLBACK TO write");
                db.Execute("RELEASE write");
                write.Fail(ex);
            }
        }

        transaction.Commit();
        db.Transaction = null;
        done.ForEach(w => w.Committed());
    }

    private sealed class QueuedWrite<T>(Func<Statements, T> write) : IQueuedWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public void Run(Statements db) => _result = write(db);

        public void Committed() => _completion.TrySetResult(_result!);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 150, EventName = "GroupCommitFailed", Level = LogLevel.Error, Message = "A batch of {Count} worker writes failed; each caller gets the error")]
        public static partial void BatchFailed(ILogger logger, int count, Exception exception);
    }
}
