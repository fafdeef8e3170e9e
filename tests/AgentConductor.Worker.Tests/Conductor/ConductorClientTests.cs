using AgentConductor.TestSupport;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Conductor;

public sealed class ConductorClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllRpcs_RequestsWithoutJobId_AuthenticatedAndStampedWithTheJob()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Files.Add(FakeTaskFile.Text("TASK.md", "# Do it\n"));
        using var client = ConductorClients.Create(server.Address, TimeProvider.System, options: new ConductorRetryOptions());

        var handshake = await client.HandshakeAsync(new HandshakeRequest { WorkerVersion = "2.0.0" }, Ct);
        var chunks = await client.DownloadTaskFilesAsync(new DownloadTaskFilesRequest(), Ct).ToListAsync(Ct);
        var heartbeat = await client.HeartbeatAsync(new HeartbeatRequest { CurrentStep = "please cancel" }, Ct);
        var progress = await client.PublishProgressAsync(Updates(3), Ct);
        var result = await client.ReportResultAsync(new ReportResultRequest { Status = ResultStatus.Succeeded }, Ct);

        Assert.Equal("2.0.0", server.Handshakes.Single().WorkerVersion);
        Assert.Equal("TASK.md", handshake.Job.TaskFiles.Single().Path);
        Assert.Equal([TaskFileChunk.ChunkOneofCase.Header, TaskFileChunk.ChunkOneofCase.Data], chunks.Select(c => c.ChunkCase));
        Assert.True(heartbeat.CancelRequested);
        Assert.Equal(3, progress.AcceptedCount);
        Assert.Equal(["line 0", "line 1", "line 2"], server.ProgressUpdates.Select(u => u.Log.Text));
        Assert.Equal("succeeded", result.JobState);
    }

    [Fact]
    public void CreateHandler_StreamWindow_HoldsSeveralTaskFileChunks()
    {
        // A full chunk (64 KiB, the proto's limit) in its gRPC frame: a window smaller than a few of them makes the
        // conductor wait for a window update after every chunk (the task-files benchmark measured it).
        var frame = new TaskFileChunk { Data = Google.Protobuf.ByteString.CopyFrom(new byte[64 * 1024]) }.CalculateSize() + 5;
        using var handler = ConductorClient.CreateHandler();

        Assert.True(handler.InitialHttp2StreamWindowSize >= 16 * frame, $"window {handler.InitialHttp2StreamWindowSize} bytes, a chunk's frame {frame}");
    }

    [Fact]
    public async Task HandshakeAsync_WrongToken_RejectedAtOnceAsUnauthenticated()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        var clock = new ObservedTimeProvider();
        var logger = new ListLogger<ConductorClient>();
        using var client = ConductorClients.Create(server.Address, clock, logger, token: "stolen-token");

        var ex = await Assert.ThrowsAsync<ConductorRejectedException>(() => client.HandshakeAsync(new HandshakeRequest(), Ct));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("Handshake", ex.Operation);
        Assert.Equal(1, server.Calls("Handshake"));
        Assert.Empty(logger.Entries);
        Assert.DoesNotContain("stolen-token", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Internal)]
    public async Task HandshakeAsync_NonTransientStatus_RejectedWithoutRetry(StatusCode status)
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Fail("Handshake", status, times: 5);
        using var client = ConductorClients.Create(server.Address, new ObservedTimeProvider());

        var ex = await Assert.ThrowsAsync<ConductorRejectedException>(() => client.HandshakeAsync(new HandshakeRequest(), Ct));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal($"scripted {status}", ex.Detail);
        Assert.Equal(1, server.Calls("Handshake"));
    }

    [Fact]
    public async Task HeartbeatAsync_Unavailable_NotRetriedAndUnreachable()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Fail("Heartbeat", StatusCode.Unavailable);
        using var client = ConductorClients.Create(server.Address, new ObservedTimeProvider());

        var ex = await Assert.ThrowsAsync<ConductorUnreachableException>(() => client.HeartbeatAsync(new HeartbeatRequest(), Ct));

        Assert.Equal(1, ex.Attempts);
        Assert.Equal(1, server.Calls("Heartbeat"));
    }

    [Fact]
    public async Task HandshakeAsync_CancelledDuringBackoff_ThrowsOperationCanceled()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.FailAlways("Handshake", StatusCode.Unavailable);
        var clock = new ObservedTimeProvider();
        using var client = ConductorClients.Create(server.Address, clock);
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), shutdown.Token);
        await clock.NextTimerAsync(Ct);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake);
        Assert.Equal(1, server.Calls("Handshake"));
    }

    [Fact]
    public void ConductorConnection_ToString_HidesTheToken()
    {
        var connection = new ConductorConnection(new Uri("http://127.0.0.1:1"), "job-1", "very-secret");

        Assert.DoesNotContain("very-secret", connection.ToString(), StringComparison.Ordinal);
        Assert.Contains("job-1", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConductorConnection_Validate_ListsEveryProblem()
    {
        var connection = new ConductorConnection(new Uri("ftp://conductor"), " ", "");

        var ex = Assert.Throws<ArgumentException>(connection.Validate);

        Assert.Contains("http://", ex.Message, StringComparison.Ordinal);
        Assert.Contains("job id", ex.Message, StringComparison.Ordinal);
        Assert.Contains("token", ex.Message, StringComparison.Ordinal);
    }

    private static async IAsyncEnumerable<ProgressUpdate> Updates(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new ProgressUpdate { Log = new LogLine { Stream = LogStream.Stdout, Text = $"line {i}" } };
        }
    }
}
