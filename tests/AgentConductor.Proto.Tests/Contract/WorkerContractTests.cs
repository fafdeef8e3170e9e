using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Google.Protobuf;
using Grpc.Core;

namespace AgentConductor.Proto.Tests.Contract;

/// <summary>worker.proto as compiled here (GrpcServices="Both") and as the real conductor serves it on its worker listener.</summary>
public sealed class WorkerContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Descriptor_WorkerService_SixRpcsWithTheirStreamingShapes()
    {
        var methods = WorkerService.Descriptor.Methods.ToDictionary(m => m.Name, m => (m.IsClientStreaming, m.IsServerStreaming));

        Assert.Equal("agentconductor.v1.WorkerService", WorkerService.Descriptor.FullName);
        Assert.Equal(
            new Dictionary<string, (bool, bool)>
            {
                ["Handshake"] = (false, false),
                ["DownloadTaskFiles"] = (false, true),
                ["Heartbeat"] = (false, false),
                ["PublishProgress"] = (true, false),
                ["ReportResult"] = (false, false),
                ["UploadSession"] = (true, false),
            },
            methods);
    }

    [Fact]
    public async Task PublishProgress_MessageOverFourMiB_ResourceExhaustedWhileOneJustUnderIsStored()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, auth) = await ConnectedAsync(host);

        var under = await host.Worker.PublishAllAsync(Updates(Line(jobId, (4 * 1024 * 1024) - 64)), auth);
        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.PublishAllAsync(Updates(Line(jobId, 4 * 1024 * 1024)), auth));

        Assert.Equal(1, under.AcceptedCount);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(1L, host.Count("job_logs", jobId));
    }

    [Fact]
    public async Task Call_UnknownMethodOfTheService_Unimplemented()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var marshaller = Marshallers.Create((HeartbeatRequest m) => m.ToByteArray(), HeartbeatRequest.Parser.ParseFrom);
        var method = new Method<HeartbeatRequest, HeartbeatRequest>(MethodType.Unary, WorkerService.Descriptor.FullName, "Teleport", marshaller, marshaller);

        using var call = host.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(cancellationToken: Ct), new HeartbeatRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task PublishProgress_StreamLeftOpenPastItsDeadline_DeadlineExceeded()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, auth) = await ConnectedAsync(host);
        using var call = host.Worker.PublishProgress(auth.WithDeadline(DateTime.UtcNow.AddSeconds(1)));

        await call.RequestStream.WriteAsync(Line(jobId, 10), Ct);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Http11Request_OnTheWorkerListener_NotServed()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new("application/grpc");

        // The worker listener speaks HTTP/2 only (h2c): Kestrel answers an HTTP/1.1 request itself, before any gRPC handling.
        using var response = await http.PostAsync(new Uri(host.WorkerAddress, "/agentconductor.v1.WorkerService/Handshake"), content, Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    private static async Task<(string JobId, CallOptions Auth)> ConnectedAsync(ConductorHost host)
    {
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var auth = ConductorHost.Bearer(token).WithCancellationToken(Ct);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, auth);
        return (jobId, auth);
    }

    private static ProgressUpdate Line(string jobId, int bytes) => new() { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = new string('x', bytes) } };

    private static async IAsyncEnumerable<ProgressUpdate> Updates(ProgressUpdate update)
    {
        await Task.Yield();
        yield return update;
    }
}
