using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Telemetry;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Otlp;
using AgentConductor.TestSupport.Otlp.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>
/// One trace per job, as it reaches a real OTLP endpoint: the scheduling decision is its root, each launch and each
/// decision about the job a child, and the conductor's side of every worker call a child of the context the worker
/// sends (here the launch's, handed over as TRACEPARENT), across a conductor restart as well.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class JobTraceTests
{
    private const string Untrusted = "Checkout 500s DO-NOT-EXPORT-9c1e";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Job_WorkedByAWorker_OneTraceFromSchedulingThroughTheLaunchToEveryWorkerCall()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var jobId = await rig.PostTicketAsync("PAY-7", Untrusted);
        var launch = await rig.DispatchAsync(jobId);

        await WorkerPlay.RunAsync(rig, launch, TimeSpan.FromMinutes(2));
        var spans = await rig.SpansAsync(all => all.Count(s => IsRpc(s) && s.Attribute(TelemetryNames.JobId) == jobId) == 6);

        var schedule = Assert.Single(spans, s => s.Name == "job.schedule");
        Assert.Equal("", schedule.ParentSpanId);
        Assert.Equal((jobId, "ticket"), (schedule.Attribute(TelemetryNames.JobId), schedule.Attribute(TelemetryNames.JobKind)));
        Assert.NotNull(schedule.Attribute(TelemetryNames.EventId));
        var request = Assert.Single(spans, s => s.Kind == Span.Types.SpanKind.Server && s.Attribute("url.path") == "/v1/events");
        Assert.Equal(request.SpanId, Convert.ToHexStringLower(Assert.Single(schedule.Span.Links).SpanId.Span));
        Assert.NotEqual(request.TraceId, schedule.TraceId);

        var launchSpan = Assert.Single(spans, s => s.Name == "job.launch");
        Assert.Equal((schedule.TraceId, schedule.SpanId), (launchSpan.TraceId, launchSpan.ParentSpanId));
        Assert.Equal((jobId, "ticket", "other", "1"), (launchSpan.Attribute(TelemetryNames.JobId), launchSpan.Attribute(TelemetryNames.JobKind),
            launchSpan.Attribute(TelemetryNames.Launcher), launchSpan.Attribute(TelemetryNames.JobAttempt)));
        Assert.StartsWith($"00-{launchSpan.TraceId}-{launchSpan.SpanId}-", launch.TraceParent, StringComparison.Ordinal);
        Assert.Equal(1, Convert.ToInt32(launch.TraceParent![^2..], 16) & 1); // sampled

        var rpcs = spans.Where(IsRpc).ToList();
        Assert.Equal(
            ["DownloadTaskFiles", "Handshake", "Heartbeat", "Heartbeat", "Heartbeat", "ReportResult"],
            rpcs.Select(s => s.Attribute("grpc.method")!.Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.All(rpcs, server =>
        {
            Assert.Equal((launchSpan.TraceId, launchSpan.SpanId, jobId), (server.TraceId, server.ParentSpanId, server.Attribute(TelemetryNames.JobId)));
            Assert.Equal("0", server.Attribute("grpc.status_code"));
        });
        Assert.All(spans.Where(s => s.TraceId == schedule.TraceId).SelectMany(s => s.AllValues()), value =>
        {
            Assert.DoesNotContain(launch.Token, value, StringComparison.Ordinal);
            Assert.DoesNotContain("DO-NOT-EXPORT", value, StringComparison.Ordinal);
        });
        Assert.Empty(rig.Collector.Problems);
    }

    [Fact]
    public async Task WorkerCall_ForAnotherJobsToken_ItsSpanCarriesNoJobId()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var jobId = await rig.PostTicketAsync("PAY-8", "Summary");
        var launch = await rig.DispatchAsync(jobId);
        var other = await rig.PostTicketAsync("PAY-80", "Summary");
        var headers = new Grpc.Core.Metadata { { "authorization", $"Bearer {launch.Token}" } };

        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            rig.Host.Worker.HandshakeAsync(new HandshakeRequest { JobId = other }, new Grpc.Core.CallOptions(headers, cancellationToken: Ct)).ResponseAsync);
        var spans = await rig.SpansAsync(all => all.Any(IsRpc));

        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, refused.StatusCode);
        var server = Assert.Single(spans, IsRpc);
        Assert.Null(server.Attribute(TelemetryNames.JobId));
        Assert.Equal("7", server.Attribute("grpc.status_code"));
    }

    [Fact]
    public async Task Launch_AfterAConductorRestart_ContinuesTheTraceTheFirstConductorStarted()
    {
        using var data = new TempDirectory();
        await using var collector = await OtlpCollector.StartAsync();
        string[] settings = [$"--Telemetry:OtlpEndpoint={collector.HttpEndpoint}", $"--Storage:DatabasePath={data.File("conductor.db")}"];
        string jobId;
        await using (var first = await TelemetryRig.StartAsync(collector, [.. settings, "--Telemetry:ServiceInstanceId=first"]))
        {
            jobId = await first.PostTicketAsync("PAY-9", "Summary");
        }

        await using var second = await TelemetryRig.StartAsync(collector, [.. settings, "--Telemetry:ServiceInstanceId=second"]);
        await second.DispatchAsync(jobId);
        var spans = await second.SpansAsync(all => all.Any(s => s.Name == "job.launch"));

        var schedule = Assert.Single(spans, s => s.Name == "job.schedule");
        var launchSpan = Assert.Single(spans, s => s.Name == "job.launch");
        Assert.Equal((schedule.TraceId, schedule.SpanId), (launchSpan.TraceId, launchSpan.ParentSpanId));
        Assert.Equal(["first", "second"], new[] { schedule, launchSpan }.Select(s => Resource(s, "service.instance.id")));
    }

    [Fact]
    public async Task Reconciler_LosesAJobThatNeverConnected_TheDecisionIsASpanOfTheJobsTrace()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var jobId = await rig.PostTicketAsync("PAY-10", "Summary");
        await rig.DispatchAsync(jobId);
        var reconciler = rig.Host.Services.GetRequiredService<Reconciler>();
        await reconciler.RunOnceAsync(Ct); // its first pass starts the handshake windows

        rig.Time.Advance(new ReconcileOptions().HandshakeTimeout + TimeSpan.FromSeconds(1));
        await reconciler.RunOnceAsync(Ct);
        var spans = await rig.SpansAsync(all => all.Any(s => s.Name == "job.reconcile"));

        var schedule = Assert.Single(spans, s => s.Name == "job.schedule");
        var decision = Assert.Single(spans, s => s.Name == "job.reconcile");
        Assert.Equal((schedule.TraceId, schedule.SpanId), (decision.TraceId, decision.ParentSpanId));
        Assert.Equal((jobId, "launched", "pending"), (decision.Attribute(TelemetryNames.JobId), decision.Attribute(TelemetryNames.FromState), decision.Attribute(TelemetryNames.Decision)));
        Assert.Equal("pending", rig.Host.State(jobId)); // lost before it ran, so retried
    }

    [Fact]
    public async Task Launch_Failing_IsAnErrorSpanThatSaysOnlyWhetherItIsRetried()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var jobId = await rig.PostTicketAsync("PAY-11", "Summary");
        rig.Host.Launcher.FailNext(1, "docker: pull access denied for registry.example/secret-image");

        await rig.DispatchAsync(jobId);
        var spans = await rig.SpansAsync(all => all.Any(s => s.Name == "job.launch"));

        var launchSpan = Assert.Single(spans, s => s.Name == "job.launch");
        Assert.Equal(Status.Types.StatusCode.Error, launchSpan.Span.Status.Code);
        Assert.Equal("launch failed; tried again", launchSpan.Span.Status.Message);
        Assert.Equal("true", launchSpan.Attribute(TelemetryNames.Retryable));
        Assert.DoesNotContain(spans.SelectMany(s => s.AllValues()), v => v.Contains("secret-image", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_OverGrpc_ReachesTheCollectorsGrpcService()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var rig = await TelemetryRig.StartAsync(collector, [$"--Telemetry:OtlpEndpoint={collector.GrpcEndpoint}", "--Telemetry:OtlpProtocol=grpc"]);
        var jobId = await rig.PostTicketAsync("PAY-12", "Summary");

        var spans = await rig.SpansAsync(all => all.Any(s => s.Name == "job.schedule"));
        rig.FlushMetrics();

        Assert.Equal(jobId, Assert.Single(spans, s => s.Name == "job.schedule").Attribute(TelemetryNames.JobId));
        Assert.Contains("grpc /opentelemetry.proto.collector.trace.v1.TraceService/Export", collector.Requests);
        Assert.Contains("grpc /opentelemetry.proto.collector.metrics.v1.MetricsService/Export", collector.Requests);
        Assert.DoesNotContain(collector.Requests, r => r.StartsWith("http ", StringComparison.Ordinal));
        Assert.Empty(collector.Problems);
    }

    [Fact]
    public async Task Job_SampledOut_PassesItsContextUnsampledAndNothingOfItIsExported()
    {
        await using var rig = await TelemetryRig.StartAsync("--Telemetry:TraceSampleRatio=0");
        var jobId = await rig.PostTicketAsync("PAY-14", "Summary");
        var launch = await rig.DispatchAsync(jobId);
        await WorkerPlay.RunAsync(rig, launch, TimeSpan.FromSeconds(10));

        var stored = Assert.IsType<string>(rig.Host.Scalar("SELECT trace_parent FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(stored.Split('-')[1], launch.TraceParent!.Split('-')[1]); // the same trace, a child of the root
        Assert.Equal((0, 0), (Convert.ToInt32(stored[^2..], 16) & 1, Convert.ToInt32(launch.TraceParent[^2..], 16) & 1)); // not sampled
        Assert.Equal("succeeded", rig.Host.State(jobId));
        Assert.True(OpenTelemetry.Trace.TracerProviderExtensions.ForceFlush(rig.Host.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>()));
        Assert.Empty(rig.Collector.Spans);
        Assert.Empty(rig.Collector.Problems);
    }

    [Fact]
    public async Task Job_WithTelemetryOff_HasNoTraceContextAndTheWorkerGetsNone()
    {
        await using var host = await ConductorHost.StartAsync(jobsEngine: false, cancellationToken: Ct);
        var scheduled = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync(
            [new InboundMessage("m-1", Messages.TicketCreated("PAY-13", ConductorHost.T0), ConductorHost.T0)], Ct);
        var jobId = Assert.Single(scheduled.Decisions).JobId;

        await host.Services.GetRequiredService<Dispatcher>().RunOnceAsync(Ct);

        Assert.Null(host.Scalar("SELECT trace_parent FROM jobs WHERE id = @id", ("@id", jobId)) as string);
        var launch = Assert.Single(host.Launcher.Launches);
        Assert.Null(launch.TraceParent);
        Assert.DoesNotContain(launch.WorkerEnvironment(), v => v.Key == "TRACEPARENT");
        Assert.Null(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.Null(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    private static bool IsRpc(ReceivedSpan span) => span.Kind == Span.Types.SpanKind.Server && span.Attribute("grpc.method") is not null;

    private static string? Resource(ReceivedSpan span, string key) =>
        OtlpValues.Text(span.Resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value);
}
