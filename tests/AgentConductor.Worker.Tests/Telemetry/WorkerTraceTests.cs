using System.Diagnostics;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Otlp;
using AgentConductor.TestSupport.Otlp.Wire;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Telemetry;
using AgentConductor.Worker.Tests.Fakes;
using Microsoft.Extensions.Configuration;

namespace AgentConductor.Worker.Tests.Telemetry;

/// <summary>
/// The worker's side of the job's trace, against a strict OTLP collector and the fake conductor: with an endpoint it
/// exports <c>worker.job</c> under TRACEPARENT and a client span per call, each call carrying its own span's context;
/// without one it exports nothing and every call carries TRACEPARENT itself.
/// </summary>
[Collection(WorkerTelemetryCollection.Name)]
public sealed class WorkerTraceTests
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Launch = "00f067aa0ba902b7";
    private const string TraceParent = $"00-{Trace}-{Launch}-01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_OfAnExportingWorker_ExportedUnderWorkerJobAndEachCarriesItsOwnSpan()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        using (var telemetry = WorkerTelemetry.Start(Settings(collector.HttpEndpoint.ToString()), FakeWorkerService.JobId))
        {
            using var client = Client(conductor, telemetry);
            using (var job = telemetry.StartJob(FakeWorkerService.JobId))
            {
                await client.HandshakeAsync(new HandshakeRequest(), Ct);
                await client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.Cloning }, Ct);
                WorkerTelemetry.Ended(job, WorkerExitCodes.NoChanges);
            }
        }

        var spans = collector.SpansOf("agent-conductor-worker");
        var run = Assert.Single(spans, s => s.Name == "worker.job");
        Assert.Equal((Trace, Launch, FakeWorkerService.JobId), (run.TraceId, run.ParentSpanId, run.Attribute("agent_conductor.job.id")));
        Assert.Equal(("10", Status.Types.StatusCode.Unset), (run.Attribute(WorkerTelemetry.ExitCodeAttribute), run.Span.Status?.Code ?? Status.Types.StatusCode.Unset));
        Assert.Equal(FakeWorkerService.JobId, OtlpValues.Text(run.Resource!.Attributes.Single(a => a.Key == "service.instance.id").Value));
        var received = conductor.TraceParents.ToList();
        Assert.Equal(2, received.Count);
        foreach (var (method, header) in received.Select(r => (r.Split(' ')[0], r.Split(' ')[1])))
        {
            var call = Assert.Single(spans, s => s.Scope == "Grpc.Net.Client" && s.Attribute("grpc.method") == $"/agentconductor.v1.WorkerService/{method}");
            Assert.Equal((Span.Types.SpanKind.Client, Trace, run.SpanId), (call.Kind, call.TraceId, call.ParentSpanId));
            var http = Assert.Single(spans, s => s.Scope == "System.Net.Http" && s.ParentSpanId == call.SpanId);
            Assert.Equal(Span.Types.SpanKind.Client, http.Kind);
            Assert.StartsWith($"00-{Trace}-{http.SpanId}-", header, StringComparison.Ordinal); // the conductor's span of the call is the HTTP span's child
        }

        Assert.DoesNotContain(spans.SelectMany(s => s.AllValues()), v => v.Contains(FakeWorkerService.Token, StringComparison.Ordinal));
        Assert.Empty(collector.Problems);
    }

    [Fact]
    public async Task Calls_OfAWorkerThatDoesNotExport_EachCarriesTheLaunchContext()
    {
        await using var conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        using var telemetry = WorkerTelemetry.Start(Settings(endpoint: null), FakeWorkerService.JobId);
        using var client = Client(conductor, telemetry);

        using (telemetry.StartJob(FakeWorkerService.JobId))
        {
            await client.HandshakeAsync(new HandshakeRequest(), Ct);
            await client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.Cloning }, Ct);
            await client.ReportResultAsync(new ReportResultRequest { Status = ResultStatus.NoChanges }, Ct);
        }

        Assert.Equal([$"Handshake {TraceParent}", $"Heartbeat {TraceParent}", $"ReportResult {TraceParent}"], conductor.TraceParents);
    }

    [Fact]
    public async Task Calls_WithoutTraceParentOrExport_CarryNoContext()
    {
        await using var conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        using var telemetry = WorkerTelemetry.Start(WorkerTelemetrySettings.Load(new ConfigurationBuilder().Build(), out _), FakeWorkerService.JobId);
        using var client = Client(conductor, telemetry);

        await client.HandshakeAsync(new HandshakeRequest(), Ct);

        Assert.Equal(["Handshake "], conductor.TraceParents);
    }

    [Theory]
    [InlineData(WorkerExitCodes.ConductorUnreachable)]
    [InlineData(WorkerExitCodes.ConductorRejected)]
    [InlineData(WorkerExitCodes.Crashed)]
    public void Ended_WithAnExitCodeNoResultExplains_TheRunIsAnError(int exitCode)
    {
        using var run = new Activity("worker.job").Start();

        WorkerTelemetry.Ended(run, exitCode);

        Assert.Equal((exitCode, ActivityStatusCode.Error), (run.GetTagItem(WorkerTelemetry.ExitCodeAttribute), run.Status));
    }

    [Theory]
    [InlineData(WorkerExitCodes.Succeeded)]
    [InlineData(WorkerExitCodes.NoChanges)]
    [InlineData(WorkerExitCodes.AgentFailed)]
    [InlineData(WorkerExitCodes.Cancelled)]
    public void Ended_WithAJobOutcome_TheRunIsNoError(int exitCode)
    {
        using var run = new Activity("worker.job").Start();

        WorkerTelemetry.Ended(run, exitCode);

        Assert.Equal((exitCode, ActivityStatusCode.Unset), (run.GetTagItem(WorkerTelemetry.ExitCodeAttribute), run.Status));
    }

    private static WorkerTelemetrySettings Settings(string? endpoint)
    {
        var settings = WorkerTelemetrySettings.Load(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TRACEPARENT"] = TraceParent, ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint }).Build(),
            out var problems);
        Assert.Empty(problems);
        return settings;
    }

    private static Worker.Conductor.ConductorClient Client(FakeWorkerService conductor, WorkerTelemetry telemetry) =>
        new(new Worker.Conductor.ConductorConnection(conductor.Address, FakeWorkerService.JobId, FakeWorkerService.Token) { TraceParent = telemetry.PropagatedTraceParent },
            ConductorClients.WithoutDeadlines(), TimeProvider.System, new ListLogger<Worker.Conductor.ConductorClient>());
}
