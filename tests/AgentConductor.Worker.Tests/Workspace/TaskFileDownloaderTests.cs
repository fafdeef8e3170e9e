using System.Security.Cryptography;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Tests.Fakes;
using AgentConductor.Worker.Workspace;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentConductor.Worker.Tests.Workspace;

public sealed class TaskFileDownloaderTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private FakeWorkerService _server = null!;
    private ConductorClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Workspace => Path.Combine(_temp.Path, "workspace");

    public async ValueTask InitializeAsync()
    {
        _server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _client = ConductorClients.Create(_server.Address, TimeProvider.System, options: new ConductorRetryOptions());
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task DownloadAsync_SeveralFilesIncludingFiftyMegabytes_LandByteExact()
    {
        const long bigSize = 50L * 1024 * 1024 + 123;
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix the flaky test\n"));
        _server.Files.Add(FakeTaskFile.Text("AGENTS.md", string.Concat(Enumerable.Repeat("Be careful. ", 20_000))));
        _server.Files.Add(FakeTaskFile.Text("empty.txt", ""));
        _server.Files.Add(FakeTaskFile.Generated("data/big.bin", bigSize));

        var files = await DownloadAsync(expected: true);

        Assert.Equal(["TASK.md", "AGENTS.md", "empty.txt", "data/big.bin"], files.Select(f => f.Path));
        Assert.Equal("# Fix the flaky test\n", await File.ReadAllTextAsync(Path.Combine(Workspace, "TASK.md"), Ct));
        Assert.Equal(240_000, new FileInfo(Path.Combine(Workspace, "AGENTS.md")).Length);
        Assert.Equal(0, new FileInfo(Path.Combine(Workspace, "empty.txt")).Length);
        var big = Path.Combine(Workspace, "data", "big.bin");
        Assert.Equal(bigSize, new FileInfo(big).Length);
        await using (var stream = File.OpenRead(big))
        {
            Assert.Equal(_server.Files[3].Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, Ct)));
        }

        Assert.Equal(_server.Files.Select(f => f.Sha256), files.Select(f => f.Sha256));
        Assert.Equal(4, Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task DownloadAsync_ModeBits_AppliedWithoutSpecialBits()
    {
        _server.Files.Add(FakeTaskFile.Text("run.sh", "#!/bin/sh\n", mode: 0x1ED)); // 0755
        _server.Files.Add(FakeTaskFile.Text("secret.txt", "x", mode: 0x180)); // 0600
        _server.Files.Add(FakeTaskFile.Text("setuid.sh", "x", mode: 0x9ED)); // 04755
        _server.Files.Add(FakeTaskFile.Text("unset.txt", "x", mode: 0));

        await DownloadAsync(expected: false);

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(Workspace, "run.sh")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(Workspace, "secret.txt")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(Workspace, "setuid.sh")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(Workspace, "unset.txt")));
    }

    [Fact]
    public async Task DownloadAsync_WrongSha256_FailsAndLeavesNoFile()
    {
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "ok"));
        _server.Files.Add(FakeTaskFile.Generated("job.json", 300_000) with { HeaderSha256 = new string('0', 64) });

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => DownloadAsync(expected: false));

        Assert.Equal(TaskFileError.Mismatch, ex.Error);
        Assert.Equal("job.json", ex.Path);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(Workspace, "TASK.md")], Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_MoreBytesThanHeaderSize_FailsAndLeavesNoFile()
    {
        _server.Files.Add(FakeTaskFile.Generated("job.json", 200_000) with { HeaderSize = 100_000 });

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => DownloadAsync(expected: false));

        Assert.Equal(TaskFileError.Mismatch, ex.Error);
        Assert.Equal("job.json", ex.Path);
        Assert.Empty(Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_HeaderSizeDiffersFromHandshake_FailsBeforeWriting()
    {
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "abc"));
        var expected = new[] { _server.Files[0].ToInfo() };
        expected[0].Size = 4;

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => new TaskFileDownloader(_client, NullLogger.Instance).DownloadAsync(Workspace, expected, Ct));

        Assert.Equal(TaskFileError.Mismatch, ex.Error);
        Assert.Empty(Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DownloadAsync_StreamEndsMidFile_FailsAndLeavesNoFile(bool abortConnection)
    {
        var file = FakeTaskFile.Generated("AGENTS.md", 500_000);
        _server.Files.Add(abortConnection ? file with { AbortAfter = 200_000 } : file with { EndStreamAfter = 200_000 });

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => DownloadAsync(expected: true));

        // Kestrel resets an aborted HTTP/2 stream with INTERNAL_ERROR, which gRPC maps to INTERNAL.
        Assert.True(
            abortConnection ? ex is ConductorRejectedException { StatusCode: Grpc.Core.StatusCode.Internal } : ex is TaskFileException { Error: TaskFileError.Truncated },
            ex.ToString());
        Assert.Empty(Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("/tmp/evil.txt")]
    [InlineData("../evil.txt")]
    [InlineData("a/../../evil.txt")]
    [InlineData("a\\evil.txt")]
    [InlineData("evil\0.txt")]
    [InlineData("")]
    public async Task DownloadAsync_UnsafePath_RefusedBeforeWriting(string path)
    {
        _server.RawChunks = Raw(path, "pwned");

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => DownloadAsync(expected: false));

        Assert.Equal(TaskFileError.UnsafePath, ex.Error);
        Assert.Equal(path, ex.Path);
        Assert.Empty(Directory.GetFileSystemEntries(Workspace));
        Assert.Equal([Workspace], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task DownloadAsync_ThroughSymlinkInWorkspace_RefusedAndTargetUntouched()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_temp.Path, "outside")).FullName;
        Directory.CreateDirectory(Workspace);
        Directory.CreateSymbolicLink(Path.Combine(Workspace, "docs"), outside);
        _server.RawChunks = Raw("docs/TASK.md", "pwned");

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => DownloadAsync(expected: false));

        Assert.Equal(TaskFileError.UnsafePath, ex.Error);
        Assert.Equal("docs/TASK.md", ex.Path);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task DownloadAsync_DataBeforeHeader_ProtocolError()
    {
        _server.RawChunks = [new TaskFileChunk { Data = ByteString.CopyFromUtf8("orphan") }];

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => DownloadAsync(expected: false));

        Assert.Equal(TaskFileError.Protocol, ex.Error);
    }

    [Fact]
    public async Task DownloadAsync_HandshakeListsMissingFile_ProtocolError()
    {
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "a"));
        var expected = new[] { _server.Files[0].ToInfo(), FakeTaskFile.Text("job.json", "{}").ToInfo() };

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => new TaskFileDownloader(_client, NullLogger.Instance).DownloadAsync(Workspace, expected, Ct));

        Assert.Equal(TaskFileError.Protocol, ex.Error);
        Assert.Equal("job.json", ex.Path);
    }

    private async Task<IReadOnlyList<DownloadedTaskFile>> DownloadAsync(bool expected)
    {
        var infos = expected ? (await _client.HandshakeAsync(new HandshakeRequest(), Ct)).Job.TaskFiles.ToList() : [];
        return await new TaskFileDownloader(_client, NullLogger.Instance).DownloadAsync(Workspace, infos, Ct);
    }

    private static TaskFileChunk[] Raw(string path, string content)
    {
        var bytes = ByteString.CopyFromUtf8(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        return [new TaskFileChunk { Header = new FileHeader { Path = path, Size = bytes.Length, Mode = 420, Sha256 = sha } }, new TaskFileChunk { Data = bytes }];
    }
}
