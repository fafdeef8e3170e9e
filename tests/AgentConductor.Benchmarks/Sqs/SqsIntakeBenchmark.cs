using System.Diagnostics;
using AgentConductor.Benchmarks.Scheduling;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Benchmarks.Sqs;

/// <summary>
/// Intake throughput against local-aws-sqs: messages a second from a full queue to committed decisions (the production
/// poller: receive 10, one scheduler transaction with WAL and synchronous=FULL, batch delete), next to the emulator's own
/// rate for a plain loop that receives 10 and batch-deletes them, with as many concurrent loops, in the same run.
/// Both use short polls (WaitTimeSeconds 0): against a full queue a long poll returns at once anyway, and local-aws-sqs
/// holds a long poll open until it has 10 messages, which would only time the last partial batch.
/// </summary>
internal static class SqsIntakeBenchmark
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int messages, int[] pollerCounts, int rounds, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await using var emulator = await SqsEmulator.StartAsync(cancellationToken);
        var bodies = BenchmarkMessages.Create(messages, 0, Start).Select(m => m.Body).ToList();
        Console.WriteLine($"sqs-intake benchmark: {messages:N0} messages per measurement (tickets, alarms, junk), median of {rounds} rounds, local-aws-sqs on {emulator.Url}");
        Console.WriteLine();
        Console.WriteLine($"{"pollers",7} {"emulator receive+delete msg/s",30} {"intake to committed decisions msg/s",36} {"ratio",6}");
        foreach (var pollers in pollerCounts)
        {
            var raws = new List<double>();
            var intakes = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                raws.Add(await ReceiveDeleteAsync(emulator, await FillAsync(emulator, bodies, cancellationToken), messages, pollers, cancellationToken));
                intakes.Add(await IntakeAsync(emulator, await FillAsync(emulator, bodies, cancellationToken), messages, pollers, Path.Combine(folder, "sqs-intake.db"), cancellationToken));
            }

            var raw = SchedulingBenchmark.Median(raws);
            var intake = SchedulingBenchmark.Median(intakes);
            Console.WriteLine($"{pollers,7} {raw,30:N0} {intake,36:N0} {intake / raw,6:F2}");
        }

        return 0;
    }

    /// <summary>The baseline: receive 10, delete them in one batch call, repeat until every message is gone.</summary>
    private static async Task<double> ReceiveDeleteAsync(SqsEmulator emulator, string queue, int messages, int loops, CancellationToken cancellationToken)
    {
        var options = new SqsReceiveOptions(10, TimeSpan.Zero, null, []);
        var remaining = messages;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref remaining) > 0)
            {
                var batch = await emulator.Client.ReceiveAsync(queue, options, cancellationToken);
                if (batch.Count > 0)
                {
                    var deleted = await emulator.Client.DeleteBatchAsync(queue, batch, cancellationToken);
                    Interlocked.Add(ref remaining, -deleted.Succeeded.Count);
                }
            }
        }, cancellationToken)));
        return messages / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The production poller on a fresh database, <paramref name="pollers"/> at once, until every message is committed and deleted.</summary>
    private static async Task<double> IntakeAsync(SqsEmulator emulator, string queue, int messages, int pollers, string databasePath, CancellationToken cancellationToken)
    {
        SchedulingBenchmark.Reset(databasePath);
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = databasePath });
        using var scheduler = new Scheduler(database, new SchedulerOptions(), new IntakeOptions());
        using var folder = new TempDirectory();
        var shutdown = Options.Create(new ShutdownOptions { FlagPath = folder.File("flag"), ReadyPath = folder.File("ready") });
        var gate = new ShutdownGate(shutdown, database, TimeProvider.System, NullLogger<ShutdownGate>.Instance);
        gate.Check();
        var settings = Options.Create(new SqsIntakeOptions { QueueUrl = queue, WaitTimeSeconds = 0, MaxMessages = 10 });
        var poller = new SqsPoller(
            emulator.Client, scheduler, gate, new DispatchSignal(), new RejectedMessageLookup(database), settings,
            new SqsIntakeStatus(TimeProvider.System), TimeProvider.System, NullLogger<SqsPoller>.Instance);

        var remaining = messages;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pollers).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref remaining) > 0)
            {
                var result = await poller.RunOnceAsync(cancellationToken);
                Interlocked.Add(ref remaining, -result.Deleted);
            }
        }, cancellationToken)));
        var rate = messages / watch.Elapsed.TotalSeconds;
        var stored = (long)database.Scalar("SELECT count(*) FROM events")!;
        if (stored != messages)
        {
            throw new InvalidOperationException($"stored {stored} events for {messages} messages");
        }

        return rate;
    }

    private static async Task<string> FillAsync(SqsEmulator emulator, List<string> bodies, CancellationToken cancellationToken)
    {
        var queue = await emulator.CreateQueueAsync($"bench-{Guid.NewGuid():N}", cancellationToken: cancellationToken);
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (body, token) =>
            await emulator.Client.SendAsync(queue, new SqsOutgoingMessage(body), token));
        return queue;
    }
}
