using System.Formats.Tar;
using AgentConductor.Conductor.Tests.WorkerApi;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Grpc.Core;

namespace AgentConductor.Conductor.Tests.Sessions;

/// <summary>UploadSession on a real conductor: what a worker hands over is checked (size, digest, every entry) and kept with the job.</summary>
public sealed class UploadSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_ConnectedJob_KeptInTheJobsFolderWithItsThreadId()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var archive = SessionArchives.Valid();

        var answer = await host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, archive), archive, ConductorHost.Bearer(token).WithCancellationToken(Ct), chunkSize: 100);

        Assert.Equal(archive.Length, answer.StoredBytes);
        Assert.Equal(archive, await File.ReadAllBytesAsync(StoredFile(host, jobId), Ct));
        Assert.Equal(SessionArchives.ThreadId, host.Scalar("SELECT thread_id FROM job_sessions WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal((long)archive.Length, host.Scalar("SELECT size FROM job_sessions WHERE job_id = @id", ("@id", jobId)));
        Assert.Contains(host.Logs.Entries, e => e.EventName == "AgentSessionStored" && e.Message.Contains(jobId, StringComparison.Ordinal));
        Assert.Equal([Path.GetFileName(StoredFile(host, jobId))], Directory.GetFiles(Path.GetDirectoryName(StoredFile(host, jobId))!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Upload_Again_ReplacesTheFirst()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var first = SessionArchives.Valid("first\n");
        var second = SessionArchives.Valid("second\n", "0199a3c4-5d6e-7f80-9a1b-000000000002");
        await host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, first), first, ConductorHost.Bearer(token).WithCancellationToken(Ct));

        await host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, second, "0199a3c4-5d6e-7f80-9a1b-000000000002"), second, ConductorHost.Bearer(token).WithCancellationToken(Ct));

        Assert.Equal(second, await File.ReadAllBytesAsync(StoredFile(host, jobId), Ct));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_sessions WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal("0199a3c4-5d6e-7f80-9a1b-000000000002", host.Scalar("SELECT thread_id FROM job_sessions WHERE job_id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Upload_OverTheConductorsLimit_FailedPreconditionNamingTheSettingAndNothingKept()
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxSessionBytes=1048576"], cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var archive = SessionArchives.Valid();
        var header = SessionArchives.Header(jobId, archive);
        header.Size = 1024 * 1024 + 1;

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.UploadSessionAsync(header, archive, ConductorHost.Bearer(token).WithCancellationToken(Ct)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("WorkerApi:MaxSessionBytes", error.Status.Detail, StringComparison.Ordinal);
        AssertNothingKept(host, jobId);
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("shorter")]
    [InlineData("longer")]
    public async Task Upload_BytesThatDoNotMatchTheHeader_DataLossAndNothingKept(string how)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var archive = SessionArchives.Valid();
        var header = SessionArchives.Header(jobId, archive);
        byte[] sent = how switch
        {
            "digest" => [.. archive[..^1], (byte)(archive[^1] ^ 1)],
            "shorter" => archive[..^1],
            _ => [.. archive, 0],
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.UploadSessionAsync(header, sent, ConductorHost.Bearer(token).WithCancellationToken(Ct)));

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        AssertNothingKept(host, jobId);
    }

    public static TheoryData<string> HostileArchives => ["symlink", "hardlink", "climbs", "absolute", "outside", "fifo", "bomb", "not gzip", "empty"];

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task Upload_ArchiveThatBreaksTheRules_InvalidArgumentSayingWhyAndNothingKept(string hostile)
    {
        await using var host = await ConductorHost.StartAsync(["--WorkerApi:MaxSessionBytes=1048576"], cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var (archive, expected) = Hostile(hostile);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, archive), archive, ConductorHost.Bearer(token).WithCancellationToken(Ct)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        AssertNothingKept(host, jobId);
        Assert.Contains(host.Logs.Entries, e => e.EventName == "AgentSessionRefused");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("--last")]
    [InlineData("")]
    public async Task Upload_ThreadIdThatIsNoUuid_InvalidArgument(string threadId)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var archive = SessionArchives.Valid();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, archive, threadId), archive, ConductorHost.Bearer(token).WithCancellationToken(Ct)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        AssertNothingKept(host, jobId);
    }

    [Fact]
    public async Task Upload_JobNotConnectedYetOrAlreadyEnded_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (launched, launchedToken) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var (ended, endedToken) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-2", Ct);
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = ended, Status = ResultStatus.NoChanges }, ConductorHost.Bearer(endedToken).WithCancellationToken(Ct));
        var archive = SessionArchives.Valid();

        var early = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.UploadSessionAsync(SessionArchives.Header(launched, archive), archive, ConductorHost.Bearer(launchedToken).WithCancellationToken(Ct)));
        var late = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.UploadSessionAsync(SessionArchives.Header(ended, archive), archive, ConductorHost.Bearer(endedToken).WithCancellationToken(Ct)));

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.FailedPrecondition), (early.StatusCode, late.StatusCode));
        AssertNothingKept(host, launched);
        AssertNothingKept(host, ended);
    }

    [Fact]
    public async Task Upload_DataBeforeTheHeader_InvalidArgument()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (_, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        using var call = host.Worker.UploadSession(ConductorHost.Bearer(token).WithCancellationToken(Ct));

        await call.RequestStream.WriteAsync(new SessionChunk { Data = Google.Protobuf.ByteString.CopyFromUtf8("data") }, Ct);
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    internal static string StoredFile(ConductorHost host, string jobId) => Path.Combine(host.WorkFolder, jobId, "session", "codex-session.tar.gz");

    private static void AssertNothingKept(ConductorHost host, string jobId)
    {
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM job_sessions WHERE job_id = @id", ("@id", jobId)));
        var folder = Path.Combine(host.WorkFolder, jobId, "session");
        Assert.True(!Directory.Exists(folder) || Directory.GetFileSystemEntries(folder).Length == 0, $"left in {folder}: {string.Join(", ", Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder) : [])}");
    }

    private static (byte[] Archive, string Expected) Hostile(string hostile) => hostile switch
    {
        "symlink" => (SessionArchives.Build(new PaxTarEntry(TarEntryType.SymbolicLink, "sessions/link.jsonl") { LinkName = "/etc/passwd" }), "SymbolicLink"),
        "hardlink" => (SessionArchives.Build(new PaxTarEntry(TarEntryType.HardLink, "sessions/link.jsonl") { LinkName = "/etc/passwd" }), "HardLink"),
        "climbs" => (SessionArchives.Build(SessionArchives.File("sessions/../../escaped.jsonl", "x")), "'..'"),
        "absolute" => (SessionArchives.Build(SessionArchives.File("/etc/cron.d/agent", "x")), "not a relative path"),
        "outside" => (SessionArchives.Build(SessionArchives.File("config.toml", "model_provider = \"evil\"")), "outside 'sessions/'"),
        "fifo" => (SessionArchives.Build(new PaxTarEntry(TarEntryType.Fifo, "sessions/pipe")), "Fifo"),
        "bomb" => (SessionArchives.Build(SessionArchives.File(SessionArchives.Rollout(), new string('\n', 20 * 1024 * 1024))), "expands to more than"),
        "not gzip" => ("not an archive at all"u8.ToArray(), "not a readable gzip-compressed tar"),
        _ => (SessionArchives.Gzip(new byte[1024]), "empty"), // a tar of nothing but its end marker
    };
}
