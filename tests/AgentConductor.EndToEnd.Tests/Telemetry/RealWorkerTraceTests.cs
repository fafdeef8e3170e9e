using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Otlp;
using AgentConductor.TestSupport.Otlp.Wire;
using AgentConductor.TestSupport.ScriptedModel;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace AgentConductor.EndToEnd.Tests.Telemetry;

/// <summary>
/// The job's trace across processes: the conductor (local launcher) exports to a strict OTLP collector, the real worker
/// process it starts gets TRACEPARENT from the launch and the collector's address from its environment, runs the real
/// Codex CLI against the scripted model, and exports its own spans and heartbeat round trips when it ends.
/// </summary>
[CollectionDefinition(nameof(RealWorkerTraceTests), DisableParallelization = true)]
[Collection(nameof(RealWorkerTraceTests))]
public sealed class RealWorkerTraceTests : IDisposable
{
    private const string Key = "sk-e2e-telemetry-model-key-0123456";
    private const string ConductorService = "agent-conductor";
    private const string WorkerService = "agent-conductor-worker";
    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_WorkedByAnExportingWorkerProcess_OneTraceFromSchedulingToEveryWorkerCall()
    {
        var remote = BareRepository.Create(_directory);
        await using var collector = await OtlpCollector.StartAsync();
        await using var model = await ScriptedModelServer.StartAsync(ModelScripts.ShellPatchMessage, Key, cancellationToken: Ct);
        // Local workers get the allowlisted part of the conductor's environment (this process): the agent and its key;
        // where to export is handed on by LocalLauncher:PassEnvironment. The collection runs alone, so nothing else sees these.
        using var environment = new EnvironmentScope(new()
        {
            ["Agent__Command__0"] = CodexCli.Require(), ["Agent__Command__1"] = null, ["CODEX_API_KEY"] = Key,
            ["WORK_DIR"] = null, ["GITHUB_TOKEN"] = null, ["GITHUB_API_URL"] = null, ["GITHUB_REPOSITORY"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.HttpEndpoint.ToString(),
        });
        await using var host = await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={remote.CloneUrl}", "--Routing:Default:BaseBranch=main", $"--LocalLauncher:LogFolder={_workers.Path}",
                $"--Agent:ModelBaseUrl={model.BaseUrl}", $"--Telemetry:OtlpEndpoint={collector.HttpEndpoint}",
                "--LocalLauncher:PassEnvironment:0=OTEL_EXPORTER_OTLP_ENDPOINT",
            ],
            defaultRoute: false, jobsEngine: true, realLauncher: true, cancellationToken: Ct);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);
        Assert.True(state == "succeeded", $"job ended {state}: {job}");
        // The worker exports as it exits, after its report: wait for its run, then for the conductor's side of its calls.
        var run = await Eventually.ValueAsync(() => collector.SpansOf(WorkerService).FirstOrDefault(s => s.Name == "worker.job"), Ct, TimeSpan.FromSeconds(60));
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        var spans = await Eventually.ValueAsync(() =>
        {
            tracer.ForceFlush();
            var all = collector.Spans;
            return all.Any(s => IsRpc(s) && s.Attribute("grpc.method")!.EndsWith("/ReportResult", StringComparison.Ordinal)) ? all : null;
        }, Ct);

        var schedule = Assert.Single(spans, s => s.Name == "job.schedule" && s.Attribute("agent_conductor.job.id") == jobId);
        var launch = Assert.Single(spans, s => s.Name == "job.launch" && s.TraceId == schedule.TraceId);
        Assert.Equal((schedule.SpanId, "local"), (launch.ParentSpanId, launch.Attribute("agent_conductor.launcher")));
        Assert.Equal((schedule.TraceId, launch.SpanId, jobId, "0"), (run.TraceId, run.ParentSpanId, run.Attribute("agent_conductor.job.id"), run.Attribute("agent_conductor.worker.exit_code")));
        var worker = collector.SpansOf(WorkerService).ToDictionary(s => s.SpanId);
        var rpcs = spans.Where(IsRpc).ToList();
        Assert.Contains(rpcs, s => s.Attribute("grpc.method")!.EndsWith("/Handshake", StringComparison.Ordinal));
        Assert.Contains(rpcs, s => s.Attribute("grpc.method")!.EndsWith("/Heartbeat", StringComparison.Ordinal));
        Assert.Contains(rpcs, s => s.Attribute("grpc.method")!.EndsWith("/DownloadTaskFiles", StringComparison.Ordinal));
        Assert.All(rpcs, server =>
        {
            // conductor server span <- worker HTTP span <- worker gRPC call span <- worker.job
            Assert.Equal((schedule.TraceId, jobId), (server.TraceId, server.Attribute("agent_conductor.job.id")));
            var http = worker[server.ParentSpanId];
            var call = worker[http.ParentSpanId];
            Assert.Equal(("System.Net.Http", "Grpc.Net.Client", run.SpanId), (http.Scope, call.Scope, call.ParentSpanId));
            Assert.Equal(server.Attribute("grpc.method"), call.Attribute("grpc.method"));
        });

        // The worker's metrics go out in their own export as it exits, which may land after its spans.
        var roundTrips = await Eventually.ValueAsync(() => collector.LatestMetric(WorkerService, "agent_conductor.worker.heartbeat.duration"), Ct, TimeSpan.FromSeconds(30));
        Assert.True(Assert.Single(roundTrips.Histogram.DataPoints).Count >= 1);
        Assert.All(collector.Spans.SelectMany(s => s.AllValues()), value => Assert.DoesNotContain(Key, value, StringComparison.Ordinal));
        Assert.Empty(collector.Problems);
    }

    public void Dispose()
    {
        _workers.Dispose();
        _directory.Dispose();
    }

    private static bool IsRpc(ReceivedSpan span) =>
        span.Service == ConductorService && span.Kind == Span.Types.SpanKind.Server && span.Attribute("grpc.method") is not null;

    /// <summary>Sets process environment variables and puts the old values back on dispose.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _previous = [];

        public EnvironmentScope(Dictionary<string, string?> values)
        {
            foreach (var (name, value) in values)
            {
                _previous[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
