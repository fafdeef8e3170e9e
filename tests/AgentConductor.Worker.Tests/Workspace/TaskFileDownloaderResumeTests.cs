using System.Security.Cryptography;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Tests.Fakes;
using AgentConductor.Worker.Workspace;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Tests.Workspace;

/// <summary>A download whose stream the (fake) conductor resets midway is resumed with the paths still missing.</summary>
public sealed class TaskFileDownloaderResumeTests : IAsyncLifetime
{
    private const string ResumingEvent = "TaskFileDownloadResuming";

    private readonly TempDirectory _temp = new();
    private readonly ListLogger<TaskFileDownloader> _logger = new();
    private FakeWorkerService _server = null!;
    private ConductorClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Workspace => Path.Combine(_temp.Path, "workspace");

    public async ValueTask InitializeAsync()
    {
        _server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        var options = new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };
        _client = ConductorClients.Create(_server.Address, TimeProvider.System, options: options);
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix the flaky test\n"));
        _server.Files.Add(FakeTaskFile.Generated("data/big.bin", 300_000));
        _server.Files.Add(FakeTaskFile.Text("job.json", "{\"id\":1}"));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(100_000L)]
    public async Task DownloadAsync_CutInSecondFile_AsksForTheMissingPathsAndVerifiesAll(long cutAfterBytes)
    {
        _server.CutDuring("data/big.bin", cutAfterBytes);

        var files = await DownloadAsync(expected: true);

        Assert.Equal([[], ["data/big.bin", "job.json"]], _server.DownloadRequests.Select(r => r.Paths.ToArray()));
        Assert.Equal(["TASK.md", "data/big.bin", "job.json"], files.Select(f => f.Path));
        foreach (var file in _server.Files)
        {
            await using var stream = File.OpenRead(Path.Combine(Workspace, file.Path));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, Ct)));
        }

        AssertWorkspaceHoldsOnly("TASK.md", "data/big.bin", "job.json");
        var resume = Assert.Single(_logger.Entries, e => e.EventName == ResumingEvent);
        Assert.Equal(LogLevel.Warning, resume.Level);
        Assert.Contains("2 files left (data/big.bin, job.json), 1 of 3 done", resume.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_StreamResetMidFile_EndsWithEveryFileVerified()
    {
        _server.CutDuring("data/big.bin", 100_000, reset: true);

        var files = await DownloadAsync(expected: true);

        // A reset may drop messages still in flight, so the client may not have had TASK.md yet: then its own start
        // retry (all files) rather than a resume sends the second request. Either way one request repairs the cut.
        Assert.Equal(2, _server.DownloadRequests.Count);
        Assert.Equal(_server.Files.Select(f => f.Sha256), files.Select(f => f.Sha256));
        AssertWorkspaceHoldsOnly("TASK.md", "data/big.bin", "job.json");
    }

    [Fact]
    public async Task DownloadAsync_CutEveryTimeInTheSameFile_GivesUpAfterTheBound()
    {
        _server.CutDuring("data/big.bin", 100_000, times: int.MaxValue);

        var ex = await Assert.ThrowsAsync<ConductorUnreachableException>(() => DownloadAsync(expected: true));

        Assert.Equal(StatusCode.Unavailable, ex.LastStatus);
        Assert.Equal(1 + TaskFileDownloader.MaxResumesWithoutProgress, _server.DownloadRequests.Count);
        Assert.All(_server.DownloadRequests.Skip(1), r => Assert.Equal(["data/big.bin", "job.json"], r.Paths));
        Assert.Equal(TaskFileDownloader.MaxResumesWithoutProgress, _logger.Count(ResumingEvent));
        AssertWorkspaceHoldsOnly("TASK.md");
    }

    [Fact]
    public async Task DownloadAsync_EachResumeCompletesAFile_KeepsGoingPastTheBound()
    {
        _server.Files.Add(FakeTaskFile.Generated("AGENTS.md", 200_000));
        foreach (var file in _server.Files)
        {
            _server.CutDuring(file.Path, file.Size / 2);
        }

        var files = await DownloadAsync(expected: true);

        Assert.Equal(4, files.Count);
        Assert.Equal(5, _server.DownloadRequests.Count);
        Assert.Equal(["AGENTS.md"], _server.DownloadRequests.Last().Paths);
        AssertWorkspaceHoldsOnly("TASK.md", "data/big.bin", "job.json", "AGENTS.md");
    }

    [Fact]
    public async Task DownloadAsync_ResumeStartFailsTransiently_RetriedWithTheSamePaths()
    {
        _server.CutDuring("data/big.bin", 100_000);
        _server.FailCall("DownloadTaskFiles", 2, StatusCode.Unavailable);

        await DownloadAsync(expected: true);

        Assert.Equal(3, _server.DownloadRequests.Count);
        Assert.All(_server.DownloadRequests.Skip(1), r => Assert.Equal(["data/big.bin", "job.json"], r.Paths));
        AssertWorkspaceHoldsOnly("TASK.md", "data/big.bin", "job.json");
    }

    [Fact]
    public async Task DownloadAsync_CutWithoutExpectedFiles_FailsWithoutResuming()
    {
        _server.CutDuring("data/big.bin", 100_000);

        var ex = await Assert.ThrowsAsync<ConductorUnreachableException>(() => DownloadAsync(expected: false));

        Assert.Equal(StatusCode.Unavailable, ex.LastStatus);
        Assert.Single(_server.DownloadRequests);
        Assert.Equal(0, _logger.Count(ResumingEvent));
        AssertWorkspaceHoldsOnly("TASK.md");
    }

    [Fact]
    public async Task DownloadAsync_ResumeRejectedWithNotFound_NoFurtherResume()
    {
        _server.CutDuring("data/big.bin", 100_000);
        _server.FailCall("DownloadTaskFiles", 2, StatusCode.NotFound);

        var ex = await Assert.ThrowsAsync<ConductorRejectedException>(() => DownloadAsync(expected: true));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal(2, _server.DownloadRequests.Count);
        Assert.Equal(1, _logger.Count(ResumingEvent));
        AssertWorkspaceHoldsOnly("TASK.md");
    }

    [Fact]
    public async Task DownloadAsync_ResumedFileFailsVerification_NotResumedAgain()
    {
        _server.Files[2] = _server.Files[2] with { HeaderSha256 = new string('0', 64) };
        _server.CutDuring("data/big.bin", 100_000);
        var expected = _server.Files.Select(f => f.ToInfo()).ToList();
        expected[2].Sha256 = new string('0', 64);

        var ex = await Assert.ThrowsAsync<TaskFileException>(() => new TaskFileDownloader(_client, _logger).DownloadAsync(Workspace, expected, Ct));

        Assert.Equal(TaskFileError.Mismatch, ex.Error);
        Assert.Equal("job.json", ex.Path);
        Assert.Equal(2, _server.DownloadRequests.Count);
        AssertWorkspaceHoldsOnly("TASK.md", "data/big.bin");
    }

    [Fact]
    public async Task DownloadAsync_CancelledWhileCutEveryTime_StopsWithCancellation()
    {
        _server.CutDuring("data/big.bin", 100_000, times: int.MaxValue);
        var infos = _server.Files.Select(f => f.ToInfo()).ToList();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var download = new TaskFileDownloader(_client, new CancellingLogger(_logger, cancel)).DownloadAsync(Workspace, infos, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);

        Assert.Single(_server.DownloadRequests);
        AssertWorkspaceHoldsOnly("TASK.md");
    }

    private async Task<IReadOnlyList<DownloadedTaskFile>> DownloadAsync(bool expected)
    {
        var infos = expected ? (await _client.HandshakeAsync(new HandshakeRequest(), Ct)).Job.TaskFiles.ToList() : [];
        return await new TaskFileDownloader(_client, _logger).DownloadAsync(Workspace, infos, Ct);
    }

    // Every verified file under its name, nothing else: no partial temporary file survives a cut.
    private void AssertWorkspaceHoldsOnly(params string[] paths)
        => Assert.Equal(
            paths.Select(p => Path.Combine(Workspace, p)).Order(StringComparer.Ordinal),
            Directory.GetFiles(Workspace, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));

    // Cancels the download the moment it decides to resume, i.e. between the cut and the next request.
    private sealed class CancellingLogger(ILogger inner, CancellationTokenSource cancel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            cancel.Cancel();
        }
    }
}
