using System.Collections.Concurrent;
using System.Net;
using AgentConductor.Proto.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// A strict fake conductor: a real Kestrel h2c server on 127.0.0.1 serving WorkerService with Grpc.AspNetCore (this class
/// is the service). Every call must carry <c>authorization: Bearer <see cref="Token"/></c>
/// (else UNAUTHENTICATED) and every request the job id <see cref="JobId"/> (else PERMISSION_DENIED).
/// Calls can be scripted to fail; task files can be made to lie. Stops on dispose.
/// </summary>
internal sealed class FakeWorkerService : WorkerService.WorkerServiceBase, IAsyncDisposable
{
    public const string JobId = "job-7f3a";
    public const string Token = "tok-5ecret-d0-not-log";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<StatusCode>> _failures = new();
    private readonly ConcurrentDictionary<string, StatusCode> _alwaysFail = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<(string Method, int Call), StatusCode> _callFailures = new();
    private readonly ConcurrentDictionary<string, (StreamCut Cut, int Times)> _cuts = new();
    private readonly TaskCompletionSource _firstHandshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private FakeWorkerService()
    {
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Every handshake request received, in order.</summary>
    public ConcurrentQueue<HandshakeRequest> Handshakes { get; } = new();

    /// <summary>Every ReportResult request received, in order.</summary>
    public ConcurrentQueue<ReportResultRequest> Results { get; } = new();

    /// <summary>Every heartbeat received, in order.</summary>
    public ConcurrentQueue<HeartbeatRequest> Heartbeats { get; } = new();

    /// <summary>The job spec's heartbeat interval; the worker's default when null.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Every progress update received, in order.</summary>
    public ConcurrentQueue<ProgressUpdate> ProgressUpdates { get; } = new();

    /// <summary>Every DownloadTaskFiles request received (including rejected ones), in order.</summary>
    public ConcurrentQueue<DownloadTaskFilesRequest> DownloadRequests { get; } = new();

    /// <summary>The <c>traceparent</c> header of every call ("" when it had none), in order: "Method traceparent".</summary>
    public ConcurrentQueue<string> TraceParents { get; } = new();

    /// <summary>The task files DownloadTaskFiles serves (and the handshake lists).</summary>
    public List<FakeTaskFile> Files { get; } = [];

    /// <summary>The agent settings the handshake's job spec carries (the conductor's <c>Agent</c> section); none when null.</summary>
    public AgentSettings? Agent { get; set; }

    /// <summary>The job spec's budget (limits and prices); none when null.</summary>
    public JobBudget? Budget { get; set; }

    /// <summary>The job spec's link to the job's page on the dashboard; none when empty.</summary>
    public string JobUrl { get; set; } = "";

    /// <summary>The repository the job spec names (a bare repository's <c>file://</c> URL in tests that push for real).</summary>
    public string CloneUrl { get; set; } = "https://github.example/acme/app.git";

    /// <summary>GitHub tokens the handshakes hand out, one per call, in order (as the conductor's App mints one per call); none when empty.</summary>
    public ConcurrentQueue<GitHubToken> GitHubTokens { get; } = new();

    /// <summary>When set, DownloadTaskFiles sends exactly these messages instead of <see cref="Files"/>.</summary>
    public IReadOnlyList<TaskFileChunk>? RawChunks { get; set; }

    /// <summary>When set, the first handshake waits until the client gives up on it (cancels or its deadline passes).</summary>
    public bool HangFirstHandshake { get; set; }

    /// <summary>Completes when the first handshake has reached its handler.</summary>
    public Task FirstHandshakeReceived => _firstHandshake.Task;

    public static async Task<FakeWorkerService> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        var service = new FakeWorkerService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<FakeWorkerService>();
        await app.StartAsync(cancellationToken);
        service._app = app;
        service.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return service;
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> (e.g. "Handshake") fail with <paramref name="status"/>.</summary>
    public void Fail(string method, StatusCode status, int times = 1)
    {
        var queue = _failures.GetOrAdd(method, _ => new ConcurrentQueue<StatusCode>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(status);
        }
    }

    /// <summary>Every call of <paramref name="method"/> fails with <paramref name="status"/>.</summary>
    public void FailAlways(string method, StatusCode status) => _alwaysFail[method] = status;

    /// <summary>Call number <paramref name="call"/> (1-based) of <paramref name="method"/> fails with <paramref name="status"/>.</summary>
    public void FailCall(string method, int call, StatusCode status) => _callFailures[(method, call)] = status;

    /// <summary>
    /// The next <paramref name="times"/> times the file <paramref name="path"/> is served, the call ends after
    /// <paramref name="afterBytes"/> of its bytes: with UNAVAILABLE (a transient failure whose trailers arrive after
    /// every message sent), or with <paramref name="reset"/> an HTTP/2 RST_STREAM CANCEL, as when a conductor stops
    /// (the client may then lose messages still in flight).
    /// </summary>
    public void CutDuring(string path, long afterBytes, int times = 1, bool reset = false) => _cuts[path] = (new StreamCut(afterBytes, reset), times);

    /// <summary>How many calls of <paramref name="method"/> arrived (including rejected ones).</summary>
    public int Calls(string method) => _calls.GetValueOrDefault(method);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }

    public override async Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context)
    {
        var first = Admit("Handshake", request.JobId, context) == 1;
        Handshakes.Enqueue(request);
        _firstHandshake.TrySetResult();
        if (first && HangFirstHandshake)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        var job = new JobSpec { JobId = JobId, Kind = JobKind.Ticket, BranchName = $"agent/{JobId}/fix", Title = "Fix it" };
        job.Repositories.Add(new Repository { CloneUrl = CloneUrl, BaseBranch = "main" });
        job.TaskFiles.AddRange(Files.Select(f => f.ToInfo()));
        job.Agent = Agent;
        job.Budget = Budget;
        job.JobUrl = JobUrl;
        job.HeartbeatInterval = HeartbeatInterval is { } interval ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(interval) : null;
        job.GithubToken = GitHubTokens.TryDequeue(out var gitHubToken) ? gitHubToken : null;
        return new HandshakeResponse { Job = job };
    }

    public override Task DownloadTaskFiles(DownloadTaskFilesRequest request, IServerStreamWriter<TaskFileChunk> responses, ServerCallContext context)
    {
        DownloadRequests.Enqueue(request);
        Admit("DownloadTaskFiles", request.JobId, context);
        return FakeTaskFileStreamer.StreamAsync(RawChunks, Select(request.Paths), TakeCut, responses, context);
    }

    // Like the conductor: no paths means every file; otherwise exactly the paths asked for, in that order.
    private List<FakeTaskFile> Select(IReadOnlyList<string> paths)
        => paths.Count == 0
            ? [.. Files]
            : [.. paths.Select(p => Files.FirstOrDefault(f => f.Path == p) ?? throw new RpcException(new Status(StatusCode.NotFound, $"No task file '{p}'.")))];

    private StreamCut? TakeCut(FakeTaskFile file)
    {
        if (!_cuts.TryGetValue(file.Path, out var scripted) || scripted.Times <= 0)
        {
            return null;
        }

        _cuts[file.Path] = (scripted.Cut, scripted.Times - 1);
        return scripted.Cut;
    }

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        Admit("Heartbeat", request.JobId, context);
        Heartbeats.Enqueue(request);
        return Task.FromResult(new HeartbeatResponse { CancelRequested = request.CurrentStep == "please cancel", CancelReason = request.CurrentStep });
    }

    public override async Task<PublishProgressResponse> PublishProgress(IAsyncStreamReader<ProgressUpdate> requests, ServerCallContext context)
    {
        Admit("PublishProgress", JobId, context);
        var accepted = 0;
        while (await requests.MoveNext(context.CancellationToken))
        {
            Admit(null, requests.Current.JobId, context);
            ProgressUpdates.Enqueue(requests.Current);
            accepted++;
        }

        return new PublishProgressResponse { AcceptedCount = accepted };
    }

    public override Task<ReportResultResponse> ReportResult(ReportResultRequest request, ServerCallContext context)
    {
        Admit("ReportResult", request.JobId, context);
        Results.Enqueue(request);
        return Task.FromResult(new ReportResultResponse { JobState = request.Status == ResultStatus.Succeeded ? "succeeded" : "failed" });
    }

    // Counts the call, checks token and job id, then plays any scripted failure. Returns the call's number.
    private int Admit(string? method, string jobId, ServerCallContext context)
    {
        var number = method is null ? 0 : _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (method is not null)
        {
            TraceParents.Enqueue($"{method} {context.RequestHeaders.GetValue("traceparent")}");
        }

        if (context.RequestHeaders.GetValue("authorization") != $"Bearer {Token}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or unknown job token"));
        }

        if (jobId != JobId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the token is not for job '{jobId}'"));
        }

        if (method is not null && (_alwaysFail.TryGetValue(method, out var always)
            || _callFailures.TryGetValue((method, number), out always)
            || (_failures.TryGetValue(method, out var queue) && queue.TryDequeue(out always))))
        {
            throw new RpcException(new Status(always, $"scripted {always}"));
        }

        return number;
    }
}
