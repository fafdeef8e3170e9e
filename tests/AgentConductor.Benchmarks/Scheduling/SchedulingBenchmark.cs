using System.Diagnostics;
using System.Globalization;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Benchmarks.Scheduling;

/// <summary>
/// Durable scheduling throughput (every batch committed with the production settings: WAL, synchronous=FULL)
/// next to raw SQLite inserts of the same bodies with the same settings, next to the floor of what scheduling must
/// write (<see cref="RequiredRowsCopy"/>), and the per-event cost with a small and a large history already stored.
/// </summary>
internal static class SchedulingBenchmark
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int events, int[] batchSizes, int[] histories, int rounds, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        Console.WriteLine($"scheduling benchmark: {events:N0} events per measurement, median of {rounds} rounds, database in {folder}");
        Console.WriteLine();
        Console.WriteLine($"{"batch",6} {"raw inserts/s",14} {"scheduled events/s",19} {"ratio",6} {"required rows, events/s",24} {"floor ratio",12} {"scheduled/floor",16}");
        foreach (var batch in batchSizes)
        {
            var raws = new List<double>();
            var schedules = new List<double>();
            var floors = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                raws.Add(RawInserts(events, batch, Path.Combine(folder, $"raw-{batch}.db")));
                var scheduledPath = Path.Combine(folder, $"sched-{batch}.db");
                schedules.Add(await ScheduleAsync(events, batch, scheduledPath, cancellationToken));
                var floorPath = Path.Combine(folder, $"floor-{batch}.db");
                Reset(floorPath);
                floors.Add(RequiredRowsCopy.Measure(scheduledPath, batch, floorPath));
            }

            var raw = Median(raws);
            var scheduled = Median(schedules);
            var floor = Median(floors);
            Console.WriteLine($"{batch,6} {raw,14:N0} {scheduled,19:N0} {scheduled / raw,6:F2} {floor,24:N0} {floor / raw,12:F2} {scheduled / floor,16:F2}");
        }

        Console.WriteLine("(required rows: the rows the scheduled run stored, inserted again with no reads and no rules: the floor of its writes)");

        Console.WriteLine();
        Console.WriteLine($"parsing alone (no storage): {ParseOnly(events):N0} events/s");
        Console.WriteLine();
        Console.WriteLine($"{"history",10} {"events/s",10} {"µs/event",9}   (batch {batchSizes[^1]}, {events:N0} events measured on top of the history)");
        foreach (var history in histories)
        {
            var rate = await ScheduleOnHistoryAsync(history, events, batchSizes[^1], rounds, Path.Combine(folder, $"history-{history}.db"), cancellationToken);
            Console.WriteLine($"{history,10:N0} {rate,10:N0} {1_000_000 / rate,9:F1}");
        }

        return 0;
    }

    private static double RawInserts(int events, int batch, string path)
    {
        Reset(path);
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = path });
        using var connection = database.OpenConnection();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE raw_events (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, received_at INTEGER NOT NULL, body TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        var messages = BenchmarkMessages.Create(events, 0, Start);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO raw_events (message_id, received_at, body) VALUES (@m, @r, @b)";
        var m = insert.Parameters.Add("@m", SqliteType.Text);
        var r = insert.Parameters.Add("@r", SqliteType.Integer);
        var b = insert.Parameters.Add("@b", SqliteType.Text);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages.Count; i += batch)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            foreach (var message in messages.Skip(i).Take(batch))
            {
                m.Value = message.MessageId;
                r.Value = message.ReceivedAt.ToUnixTimeMilliseconds();
                b.Value = message.Body;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return events / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> ScheduleAsync(int events, int batch, string path, CancellationToken cancellationToken)
    {
        Reset(path);
        using var scheduler = new Scheduler(ConductorDatabase.Open(new StorageOptions { DatabasePath = path }), new SchedulerOptions(), new IntakeOptions());
        return await MeasureAsync(scheduler, BenchmarkMessages.Create(events, 0, Start), batch, cancellationToken);
    }

    private static async Task<double> ScheduleOnHistoryAsync(int history, int events, int batch, int rounds, string path, CancellationToken cancellationToken)
    {
        Reset(path);
        using var scheduler = new Scheduler(ConductorDatabase.Open(new StorageOptions { DatabasePath = path }), new SchedulerOptions(), new IntakeOptions());
        const int Chunk = 50_000;
        for (var done = 0; done < history; done += Chunk)
        {
            var size = Math.Min(Chunk, history - done);
            await MeasureAsync(scheduler, BenchmarkMessages.Create(size, done, Start), 2_000, cancellationToken);
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r  storing history: {done + size:N0}/{history:N0}"));
        }

        Console.Error.WriteLine();
        var rates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            rates.Add(await MeasureAsync(scheduler, BenchmarkMessages.Create(events, history + (round * events), Start), batch, cancellationToken));
        }

        return Median(rates);
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static async Task<double> MeasureAsync(Scheduler scheduler, List<InboundMessage> messages, int batch, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages.Count; i += batch)
        {
            await scheduler.ScheduleAsync(messages.GetRange(i, Math.Min(batch, messages.Count - i)), cancellationToken);
        }

        return messages.Count / watch.Elapsed.TotalSeconds;
    }

    private static double ParseOnly(int events)
    {
        var parser = new MessageParser(new IntakeOptions());
        var messages = BenchmarkMessages.Create(events, 0, Start);
        var watch = Stopwatch.StartNew();
        foreach (var message in messages)
        {
            parser.Parse(message.Body);
        }

        return events / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Deletes a benchmark database and its WAL files, after closing pooled connections to it.</summary>
    internal static void Reset(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
