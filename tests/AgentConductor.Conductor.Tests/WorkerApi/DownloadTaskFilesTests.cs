using System.Security.Cryptography;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class DownloadTaskFilesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_AllFiles_HeadersThenChunksMatchingTheSpec()
    {
        using var templates = new TempDirectory();
        TemplateFolders.WriteDefaults(templates.Path);
        var big = RandomNumberGenerator.GetBytes((3 * 64 * 1024) + 123);
        File.WriteAllBytes(Path.Combine(templates.Path, "ticket", "data", "blob.bin"), big);
        await using var host = await ConductorHost.StartAsync([$"--TaskFiles:TemplateFolder={templates.Path}"], cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync).Job;

        var received = await DownloadAsync(host, new DownloadTaskFilesRequest { JobId = jobId }, token);

        Assert.Equal(spec.TaskFiles.Select(f => f.Path), received.Select(r => r.Header.Path));
        foreach (var (header, size, sha256, largestChunk) in received)
        {
            var listed = spec.TaskFiles.Single(f => f.Path == header.Path);
            Assert.Equal((listed.Size, listed.Sha256, listed.Mode), (header.Size, header.Sha256, header.Mode));
            Assert.Equal((listed.Size, listed.Sha256), (size, sha256));
            Assert.InRange(largestChunk, 0, 64 * 1024);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(big)), received.Single(r => r.Header.Path == "data/blob.bin").Sha256);
    }

    [Fact]
    public async Task Download_SelectedPath_SendsOnlyThatFile()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);

        var received = await DownloadAsync(host, new DownloadTaskFilesRequest { JobId = jobId, Paths = { "TASK.md" } }, token);

        Assert.Equal("TASK.md", Assert.Single(received).Header.Path);
    }

    [Theory]
    [InlineData("../conductor.db", StatusCode.InvalidArgument)]
    [InlineData("/etc/passwd", StatusCode.InvalidArgument)]
    [InlineData("sub/../TASK.md", StatusCode.InvalidArgument)]
    [InlineData("NOPE.md", StatusCode.NotFound)]
    public async Task Download_UnsafeOrUnknownPath_Refused(string path, StatusCode expected)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(host, new DownloadTaskFilesRequest { JobId = jobId, Paths = { path } }, token));

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Download_FileReplacedBySymlink_Refused()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var task = Path.Combine(host.WorkFolder, jobId, "task", "TASK.md");
        var secret = Path.Combine(host.WorkFolder, "secret.txt");
        File.WriteAllText(secret, new string('x', (int)new FileInfo(task).Length));
        File.Delete(task);
        File.CreateSymbolicLink(task, secret);

        var error = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(host, new DownloadTaskFilesRequest { JobId = jobId, Paths = { "TASK.md" } }, token));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("symbolic link", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_BeforeHandshake_FailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(host, new DownloadTaskFilesRequest { JobId = jobId }, token));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    /// <summary>Reads the stream the way a worker must: hashing chunks as they arrive, never holding a whole file.</summary>
    private static async Task<List<(FileHeader Header, long Size, string Sha256, int LargestChunk)>> DownloadAsync(ConductorHost host, DownloadTaskFilesRequest request, string token)
    {
        var files = new List<(FileHeader, long, string, int)>();
        FileHeader? current = null;
        IncrementalHash? hash = null;
        long size = 0;
        var largest = 0;
        void Finish()
        {
            if (current is not null)
            {
                files.Add((current, size, Convert.ToHexStringLower(hash!.GetHashAndReset()), largest));
                hash.Dispose();
            }
        }

        await foreach (var chunk in host.Worker.DownloadAllAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)))
        {
            if (chunk.ChunkCase == TaskFileChunk.ChunkOneofCase.Header)
            {
                Finish();
                (current, hash, size, largest) = (chunk.Header, IncrementalHash.CreateHash(HashAlgorithmName.SHA256), 0, 0);
            }
            else
            {
                hash!.AppendData(chunk.Data.Span);
                size += chunk.Data.Length;
                largest = Math.Max(largest, chunk.Data.Length);
            }
        }

        Finish();
        return files;
    }
}
