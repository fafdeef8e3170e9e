using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentConductor.Conductor.Tests.Storage;

public sealed class GroupCommitWriterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteAsync_WritesQueuedWhileTheDatabaseIsLocked_ShareOneTransactionAndAllCommit()
    {
        var database = Open();
        await using var writer = new GroupCommitWriter(database, NullLogger<GroupCommitWriter>.Instance);
        var transactions = new List<SqliteTransaction?>();
        Task<long>[] writes;
        using (var blocker = database.OpenConnection())
        using (var held = blocker.BeginTransaction(deferred: false))
        {
            writes = [.. Enumerable.Range(0, 200).Select(i => writer.WriteAsync(db => Insert(db, i, transactions)))];
            await Task.Delay(100, TestContext.Current.CancellationToken); // the loop is waiting for the write lock by now
            held.Commit();
        }

        var rowIds = await Task.WhenAll(writes);

        Assert.Equal(200, Count(database));
        Assert.Equal(200, rowIds.Distinct().Count());
        // The first write may have started a transaction of its own before the rest were queued; the rest share one.
        Assert.InRange(transactions.Distinct().Count(), 1, 2);
    }

    [Fact]
    public async Task WriteAsync_Completed_IsCommittedForOtherConnections()
    {
        var database = Open();
        await using var writer = new GroupCommitWriter(database, NullLogger<GroupCommitWriter>.Instance);

        await writer.WriteAsync(db => Insert(db, 1, []));

        Assert.Equal(1, Count(database));
    }

    [Fact]
    public async Task WriteAsync_OneWriteOfABatchThrows_OnlyItsOwnChangesAreRolledBack()
    {
        var database = Open();
        await using var writer = new GroupCommitWriter(database, NullLogger<GroupCommitWriter>.Instance);
        Task<long> before, failing, after;
        using (var blocker = database.OpenConnection())
        using (var held = blocker.BeginTransaction(deferred: false))
        {
            before = writer.WriteAsync(db => Insert(db, 1, []));
            failing = writer.WriteAsync<long>(db =>
            {
                Insert(db, 2, []);
                throw new InvalidOperationException("this write is refused");
            });
            after = writer.WriteAsync(db => Insert(db, 3, []));
            await Task.Delay(100, TestContext.Current.CancellationToken);
            held.Commit();
        }

        await before;
        await after;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("this write is refused", error.Message);
        Assert.Equal([1, 3], Values(database));
    }

    [Fact]
    public async Task WriteAsync_AWriteBreaksTheTransaction_TheWholeBatchFailsThenLaterWritesCommit()
    {
        var database = Open();
        await using var writer = new GroupCommitWriter(database, NullLogger<GroupCommitWriter>.Instance);
        using var entered = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        // The loop takes this write alone and is held inside it while the next two are queued, so those two always
        // share the next batch (a loop that woke between them would have committed the first on its own).
        var gate = writer.WriteAsync(db =>
        {
            entered.Release();
            return release.Wait(TimeSpan.FromSeconds(30)) ? 0L : throw new TimeoutException("the test never released the gate");
        });
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        var first = writer.WriteAsync(db => Insert(db, 1, []));
        var broken = writer.WriteAsync<long>(_ => throw new SqliteException("disk I/O error", 10));
        release.Release();
        await gate;

        Assert.Equal(10, (await Assert.ThrowsAsync<SqliteException>(() => broken)).SqliteErrorCode);
        Assert.Equal(10, (await Assert.ThrowsAsync<SqliteException>(() => first)).SqliteErrorCode);
        await writer.WriteAsync(db => Insert(db, 2, []));

        Assert.Equal([2], Values(database));
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_FailsAndWritesNothing()
    {
        var database = Open();
        var writer = new GroupCommitWriter(database, NullLogger<GroupCommitWriter>.Instance);
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(db => Insert(db, 1, [])));

        Assert.Equal(0, Count(database));
    }

    private ConductorDatabase Open()
    {
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = _directory.File("c.db") });
        using var connection = database.OpenConnection();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)";
        create.ExecuteNonQuery();
        return database;
    }

    private static long Insert(Statements db, int value, List<SqliteTransaction?> transactions)
    {
        lock (transactions)
        {
            transactions.Add(db.Transaction);
        }

        db.Execute("INSERT INTO probe (value) VALUES (@v)", ("@v", value));
        return db.QueryLong("SELECT last_insert_rowid()")!.Value;
    }

    private static long Count(ConductorDatabase database) => Values(database).Count;

    private static List<long> Values(ConductorDatabase database)
    {
        using var connection = database.OpenConnection();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT value FROM probe ORDER BY id";
        using var reader = query.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
