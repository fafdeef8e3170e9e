using System.Diagnostics;
using System.Net;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// Issue #4's load benchmark: the real conductor as its own process, N jobs launched by its dispatcher, N simulated
/// workers connected at once, heartbeating on the configured interval and streaming progress for a fixed time.
/// Reports heartbeat latency percentiles, progress updates absorbed per second (checked against what the conductor
/// stored) and the conductor's peak memory, and whether the targets are met (exit code 1 when not).
/// </summary>
internal static class LoadBenchmark
{
    public static async Task<int> RunAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        settings.Validate();
        var folder = Path.Combine(Path.GetTempPath(), "agent-conductor-bench-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var handlers = Enumerable.Range(0, settings.ConnectionCount).Select(_ => CreateHandler()).ToArray();
        var workers = new List<SimulatedWorker>();
        ConductorUnderLoad? conductor = null;
        try
        {
            Console.WriteLine(
                $"load: {settings.Workers} workers, heartbeat every {settings.HeartbeatInterval.TotalSeconds:G} s, {settings.LinesPerSecond:G} progress updates/s each, "
                + $"{settings.ConnectionCount} HTTP/2 connections, {settings.Warmup.TotalSeconds:G} s warm-up + {settings.Duration.TotalSeconds:G} s measured, "
                + $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");
            conductor = ConductorUnderLoad.Start(folder, settings, TimeSpan.FromMinutes(30) + settings.Warmup + settings.Duration);
            using var api = new HttpClient { BaseAddress = conductor.ApiAddress, Timeout = TimeSpan.FromMinutes(1) };
            var starting = Stopwatch.StartNew();
            await conductor.WaitReadyAsync(api, TimeSpan.FromMinutes(15), cancellationToken); // binding 10,000 routes takes minutes
            Console.WriteLine($"startup: ready after {starting.Elapsed.TotalSeconds:F1} s with {settings.Workers} routes (one per worker's repository)");

            var setup = Stopwatch.StartNew();
            var jobIds = await LoadJobs.CreateAsync(api, settings.Workers, cancellationToken);
            var created = setup.Elapsed;
            await LoadJobs.WaitLaunchedAsync(api, conductor, settings.Workers, TimeSpan.FromMinutes(15), cancellationToken);
            var launched = setup.Elapsed;
            var tokens = await LoadJobs.ReadTokensAsync(conductor.WorkersFolder, jobIds, TimeSpan.FromMinutes(2), cancellationToken);
            Console.WriteLine(
                $"setup: {settings.Workers} tickets posted in {created.TotalSeconds:F1} s, all launched by the dispatcher {launched.TotalSeconds:F1} s after the first; "
                + $"conductor RSS {conductor.Memory.Rss / 1048576.0:F0} MiB");

            using var metrics = ConductorMetrics.Start(conductor.Pid);
            workers.AddRange(jobIds.Select((id, i) => new SimulatedWorker(conductor.WorkerAddress, id, tokens[i], handlers[i % handlers.Length])));
            var rssBefore = conductor.Memory.Rss;
            var handshakes = await HandshakeAllAsync(workers, settings, cancellationToken);
            var interval = handshakes.Interval;
            var rssAfter = conductor.Memory.Rss;
            Console.WriteLine(
                $"handshake: {settings.Workers} at once, all connected in {handshakes.Elapsed.TotalSeconds:F1} s; {handshakes.Latency}; conductor RSS {rssAfter / 1048576.0:F0} MiB "
                + $"({(rssAfter - rssBefore) / 1024.0 / settings.ConnectionCount:F1} KiB more per HTTP/2 connection)");

            var load = await RunLoadAsync(conductor, metrics, workers, interval, settings, cancellationToken);
            Describe(metrics, settings);
            var stored = StoredProgress.Read(conductor.DatabasePath);
            var byState = await LoadJobs.JobsByStateAsync(api, cancellationToken);
            var highWaterMark = conductor.Memory.HighWaterMark;
            Console.WriteLine($"load average now: {LoadAverage()} (other processes on this machine compete for the same cores)");
            conductor.EnsureRunning();
            return Report(settings, workers, load, stored, byState, highWaterMark);
        }
        catch (Exception) when (conductor is not null)
        {
            Console.Error.WriteLine($"load: failed; the conductor's last output:{Environment.NewLine}{conductor.Tail(20)}");
            throw;
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            Array.ForEach(handlers, h => h.Dispose());
            if (conductor is not null)
            {
                await conductor.DisposeAsync();
                var kept = Path.Combine(Path.GetTempPath(), "agent-conductor-load-conductor.log");
                File.Copy(conductor.LogPath, kept, overwrite: true);
                Console.Error.WriteLine($"load: the conductor's output is in {kept}");
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(TimeSpan Elapsed, LatencySummary Latency, TimeSpan Interval)> HandshakeAllAsync(
        List<SimulatedWorker> workers, LoadSettings settings, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(workers.Select(async w =>
        {
            var interval = await w.HandshakeAsync(cancellationToken);
            return (Interval: interval, Milliseconds: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var intervals = results.Select(r => r.Interval).Distinct().ToList();
        if (intervals is not [var interval] || interval != settings.HeartbeatInterval)
        {
            throw new InvalidOperationException($"The job specs name heartbeat intervals {string.Join(", ", intervals)}, not the configured {settings.HeartbeatInterval}.");
        }

        return (elapsed, LatencySummary.From(results.Select(r => r.Milliseconds)), interval);
    }

    private static async Task<LoadResult> RunLoadAsync(
        ConductorUnderLoad conductor, ConductorMetrics metrics, List<SimulatedWorker> workers, TimeSpan interval, LoadSettings settings, CancellationToken cancellationToken)
    {
        static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
        conductor.Memory.Reset();
        var conductorCpu = conductor.ProcessorTime;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var recordFrom = start + Ticks(settings.Warmup);
        var stopAt = recordFrom + Ticks(settings.Duration);

        var streams = workers.Select(w => w.StreamProgressAsync(cancellationToken)).ToArray();
        // Workers started at different times: their heartbeats are spread evenly over one interval.
        var heartbeats = workers.Select((w, i) => w.HeartbeatAsync(start + Ticks(interval * i / workers.Count), interval, recordFrom, stopAt, cancellationToken)).ToArray();
        var pacer = OfferProgressAsync(workers, settings.LinesPerSecond, start, stopAt, cancellationToken);
        var monitor = MonitorAsync(conductor, workers, start, stopAt, cancellationToken);
        var recording = RecordAsync(metrics, recordFrom, cancellationToken);
        await Task.WhenAll([pacer, monitor, recording, .. heartbeats]);
        metrics.Record(false);
        var loadEnded = Stopwatch.GetTimestamp();
        var endedAt = TimeProvider.System.GetUtcNow();
        workers.ForEach(w => w.EndProgress());
        await Task.WhenAll(streams);
        var drained = Stopwatch.GetTimestamp();
        return new LoadResult(
            Stopwatch.GetElapsedTime(recordFrom, stopAt),
            Stopwatch.GetElapsedTime(start, drained),
            Stopwatch.GetElapsedTime(loadEnded, drained),
            conductor.ProcessorTime - conductorCpu,
            Process.GetCurrentProcess().TotalProcessorTime - ownCpu,
            conductor.Memory.PeakRss,
            endedAt);
    }

    /// <summary>Keeps the conductor's metrics of the measured window only, like the heartbeat round trips.</summary>
    private static async Task RecordAsync(ConductorMetrics metrics, long recordFrom, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), recordFrom);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        metrics.Record(true);
    }

    /// <summary>The conductor's side of the measured window, from its own metrics.</summary>
    private static void Describe(ConductorMetrics metrics, LoadSettings settings)
    {
        static string Median(IEnumerable<double> values) => values.Order().ToList() is { Count: > 0 } sorted ? $"{sorted[sorted.Count / 2]:F1}" : "-";
        // PublishProgress streams last the whole load: a request is measured when it ends, after this window.
        foreach (var rpc in new[] { "Heartbeat" })
        {
            var windows = metrics.Handling(rpc);
            var count = windows.Sum(w => w.Count);
            Console.WriteLine(
                $"conductor handling time of {rpc} (http.server.request.duration, per-second windows): {count:N0} requests"
                + (count == 0 ? "" : $", mean {windows.Sum(w => w.TotalMilliseconds) / count:F2} ms, p50 median {Median(windows.Select(w => w.P50))} ms, "
                    + $"p99 median {Median(windows.Select(w => w.P99))} ms, p99 worst second {windows.Max(w => w.P99):F1} ms"));
        }

        var connections = metrics.Max("kestrel.active_connections") is { } active ? $"{active:N0}" : "-";
        var queued = metrics.Max("kestrel.queued_requests") is { } waiting ? $"{waiting:N0}" : "-";
        Console.WriteLine($"conductor Kestrel (max over the measured window): {connections} connections of {settings.ConnectionCount}, {queued} requests queued");
        static string MiB(double? bytes) => bytes is { } value ? $"{value / 1048576:F0} MiB" : "-";
        Console.WriteLine(
            $"conductor GC (max over the measured window): {MiB(metrics.Max(ConductorMetrics.GcHeapSize))} live after a collection, "
            + $"{MiB(metrics.Max(ConductorMetrics.GcCommitted))} committed");
    }

    /// <summary>Queues each worker's due progress updates every 100 ms; worker i is offset by i/N of an update so they do not all send at once.</summary>
    private static async Task OfferProgressAsync(List<SimulatedWorker> workers, double perSecond, long start, long stopAt, CancellationToken cancellationToken)
    {
        long sequence = 0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(start, Math.Min(now, stopAt)).TotalSeconds;
            var at = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow());
            for (var i = 0; i < workers.Count; i++)
            {
                var due = (long)((perSecond * elapsed) + ((double)i / workers.Count));
                while (workers[i].Offered < due)
                {
                    workers[i].Offer(ProgressLines.Create(sequence++, at));
                }
            }

            if (now >= stopAt)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static async Task MonitorAsync(ConductorUnderLoad conductor, List<SimulatedWorker> workers, long start, long stopAt, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            conductor.EnsureRunning();
            Console.Error.Write(
                $"\r  {Stopwatch.GetElapsedTime(start).TotalSeconds,4:F0} s: conductor RSS {conductor.Memory.Rss / 1048576.0:F0} MiB, "
                + $"{workers.Sum(w => w.HeartbeatMilliseconds.Count)} heartbeats recorded, {workers.Sum(w => w.HeartbeatFailures)} failed   ");
        }

        Console.Error.WriteLine();
    }

    private static int Report(
        LoadSettings settings, List<SimulatedWorker> workers, LoadResult load, StoredProgress stored, Dictionary<string, long> byState, long highWaterMark)
    {
        static double MiB(long bytes) => bytes / 1048576.0;
        static string Verdict(bool met) => met ? "met" : "MISSED";
        var latency = LatencySummary.From(workers.SelectMany(w => w.HeartbeatMilliseconds));
        var failures = workers.Sum(w => w.HeartbeatFailures);
        var offered = workers.Sum(w => w.Offered);
        var sent = workers.Sum(w => w.Sent);
        var accepted = workers.Sum(w => w.Accepted);
        var mismatched = workers.Count(w => w.Sent != w.Accepted || stored.LinesPerJob.GetValueOrDefault(w.JobId) != w.Sent);
        var heartbeatAge = stored.OldestHeartbeat is { } oldest ? load.EndedAt - oldest : TimeSpan.MaxValue;

        Console.WriteLine(
            $"heartbeats: {latency.Count:N0} in {load.Measured.TotalSeconds:F0} s ({latency.Count / load.Measured.TotalSeconds:N0}/s of {settings.Workers / settings.HeartbeatInterval.TotalSeconds:N0}/s due), {failures} failed"
            + (workers.FirstOrDefault(w => w.FirstFailure is not null)?.FirstFailure is { } first ? $" (first: {first})" : ""));
        Console.WriteLine($"heartbeat round trip: {latency}");
        Console.WriteLine(
            $"progress: {offered:N0} updates offered ({offered / load.Streaming.TotalSeconds:N0}/s), {sent:N0} sent, {accepted:N0} accepted, {stored.Lines:N0} stored in job_logs; "
            + $"absorbed {stored.Lines / load.Streaming.TotalSeconds:N0}/s over {load.Streaming.TotalSeconds:F1} s (the last streams closed {load.Drain.TotalSeconds:F1} s after the load)");
        Console.WriteLine(
            $"conductor: peak RSS {MiB(highWaterMark):F0} MiB over its whole run (VmHWM), {MiB(load.PeakRss):F0} MiB during the load; "
            + $"CPU {load.ConductorCpu.TotalSeconds / load.Streaming.TotalSeconds:F2} cores during the load (the benchmark itself: {load.BenchmarkCpu.TotalSeconds / load.Streaming.TotalSeconds:F2})");
        Console.WriteLine(
            $"conductor side: {LoadJobs.Describe(byState)}; every running job's last heartbeat within {heartbeatAge.TotalSeconds:F1} s of the end of the load");

        var verified = mismatched == 0 && stored.Lines == offered && stored.RunningJobs == settings.Workers;
        var latencyMet = latency.P99 < LoadSettings.HeartbeatP99Target.TotalMilliseconds && failures == 0;
        var memoryMet = highWaterMark < settings.PeakMemoryTargetBytes;
        Console.WriteLine(
            $"targets: heartbeat p99 {latency.P99:F1} ms < {LoadSettings.HeartbeatP99Target.TotalMilliseconds:F0} ms {Verdict(latencyMet)}; "
            + $"peak memory {highWaterMark / 1e6:F0} MB < {settings.PeakMemoryTargetBytes / 1e6:F0} MB {Verdict(memoryMet)}");
        if (!verified)
        {
            Console.WriteLine(
                $"verification FAILED: {mismatched} workers whose sent/accepted/stored counts differ, {stored.RunningJobs} of {settings.Workers} jobs running");
            return 2;
        }

        return latencyMet && memoryMet ? 0 : 1;
    }

    /// <summary>The 1, 5 and 15 minute load averages: how busy the machine was besides this benchmark.</summary>
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true, // Kestrel allows 100 concurrent streams per connection.
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    };

    /// <param name="Measured">The window whose heartbeats are recorded.</param>
    /// <param name="Streaming">From the first progress update to the last stream's acknowledgement.</param>
    /// <param name="Drain">From the end of the load to the last stream's acknowledgement.</param>
    /// <param name="EndedAt">Wall-clock time at the end of the load.</param>
    private sealed record LoadResult(TimeSpan Measured, TimeSpan Streaming, TimeSpan Drain, TimeSpan ConductorCpu, TimeSpan BenchmarkCpu, long PeakRss, DateTimeOffset EndedAt);
}
