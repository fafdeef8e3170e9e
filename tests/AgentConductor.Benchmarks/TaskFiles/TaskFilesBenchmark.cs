using System.Diagnostics;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Workspace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentConductor.Benchmarks.TaskFiles;

/// <summary>
/// A job's task files as they really travel: the conductor (in-process, real WorkerService on its h2c listener) assembles
/// them from an operator template folder holding one large file, and the worker's client and downloader write them to
/// disk with SHA-256 checks. Reports MB/s and the peak memory of the process, which holds both ends.
/// </summary>
internal static class TaskFilesBenchmark
{
    public static async Task<int> RunAsync(int sizeMiB, int rounds, CancellationToken cancellationToken)
    {
        if (sizeMiB < 1 || rounds < 1)
        {
            Console.Error.WriteLine("task-files: --size-mib and --rounds must be at least 1");
            return 2;
        }

        var folder = Path.Combine(Path.GetTempPath(), "agent-conductor-bench-taskfiles-" + Guid.NewGuid().ToString("N"));
        try
        {
            var templates = CreateTemplates(folder, sizeMiB);
            await using var app = ConductorApplication.Build(
            [
                "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0",
                $"--Storage:DatabasePath={Path.Combine(folder, "c.db")}", $"--TaskFiles:WorkFolder={Path.Combine(folder, "jobs")}",
                $"--TaskFiles:TemplateFolder={templates}", "--Routing:Default:CloneUrl=https://github.example/acme/app.git",
                $"--Shutdown:FlagPath={Path.Combine(folder, "flag")}", $"--Shutdown:ReadyPath={Path.Combine(folder, "ready")}",
                "--Dispatch:PollInterval=01:00:00", "--Reconcile:PollInterval=01:00:00", "--Logging:LogLevel:Default=Warning",
            ]);
            await app.StartAsync(cancellationToken);
            var (jobId, token) = await LaunchJobAsync(app.Services, cancellationToken);
            var address = new Uri($"http://127.0.0.1:{app.Services.GetRequiredService<WorkerListener>().Port}");
            using var client = new ConductorClient(new ConductorConnection(address, jobId, token), new ConductorRetryOptions(), TimeProvider.System, NullLogger<ConductorClient>.Instance);

            using var memory = new MemorySampler();
            var handshakeWatch = Stopwatch.StartNew();
            var spec = (await client.HandshakeAsync(new HandshakeRequest(), cancellationToken)).Job;
            Console.WriteLine($"task-files: handshake (assembling {sizeMiB} MiB of task files with SHA-256) {handshakeWatch.Elapsed.TotalSeconds:F1} s");

            // The same files again each round, into a fresh workspace; the previous round's copy goes first so that the
            // disk holds one at a time.
            var rates = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var workspace = Path.Combine(folder, "workspace");
                if (Directory.Exists(workspace))
                {
                    Directory.Delete(workspace, recursive: true);
                }

                memory.Reset();
                var watch = Stopwatch.StartNew();
                var files = await new TaskFileDownloader(client, NullLogger.Instance).DownloadAsync(workspace, spec.TaskFiles, cancellationToken);
                var seconds = watch.Elapsed.TotalSeconds;
                var bytes = files.Sum(f => f.Size);
                rates.Add(bytes / 1e6 / seconds);
                Console.WriteLine($"task-files: round {round}: {files.Count} files, {bytes / 1048576.0:F0} MiB downloaded and verified in {seconds:F2} s = {rates[^1]:F0} MB/s; " +
                    $"peak working set {memory.PeakWorkingSet / 1048576.0:F0} MiB, peak GC heap {memory.PeakGcHeap / 1048576.0:F0} MiB (conductor and worker in one process)");
            }

            rates.Sort();
            Console.WriteLine($"task-files: best {rates[^1]:F0} MB/s, median {rates[rates.Count / 2]:F0} MB/s over {rounds} rounds");
            await app.StopAsync(cancellationToken);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string CreateTemplates(string folder, int sizeMiB)
    {
        var templates = Path.Combine(folder, "templates");
        foreach (var kind in AgentConductor.Conductor.Jobs.JobKinds.All) // the conductor refuses to start without a folder per kind
        {
            Directory.CreateDirectory(Path.Combine(templates, kind));
            File.WriteAllText(Path.Combine(templates, kind, "TASK.md"), "Work on {{ticket_key}}.\n\n{{untrusted_data}}\n");
        }

        var buffer = new byte[1024 * 1024];
        using var large = File.Create(Path.Combine(templates, "ticket", "fixtures.bin"));
        for (var i = 0; i < sizeMiB; i++)
        {
            Random.Shared.NextBytes(buffer);
            large.Write(buffer);
        }

        return templates;
    }

    private static async Task<(string JobId, string Token)> LaunchJobAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var body = Conductor.Replay.SampleMessages.JiraWebhook("jira:issue_created", "BENCH-1", "Benchmark ticket", now).ToJsonString();
        var decision = (await services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("bench-1", body, now)], cancellationToken)).Decisions.Single();
        using (var connection = services.GetRequiredService<ConductorDatabase>().OpenConnection())
        using (var transaction = connection.BeginTransaction())
        using (var statements = new Statements(connection) { Transaction = transaction })
        {
            var writer = new JobWriter(statements);
            writer.TryMove(decision.JobId, JobState.Pending, JobState.Launching, "benchmark", now);
            writer.TryMove(decision.JobId, JobState.Launching, JobState.Launched, "benchmark", now);
            transaction.Commit();
        }

        return (decision.JobId, services.GetRequiredService<JobTokens>().Issue(decision.JobId));
    }
}
