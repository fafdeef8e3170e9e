using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Tests.Fakes;
using AgentConductor.Worker.Workspace;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>A task-file download that fails at the conductor ends the job with a reported failure and the matching exit code.</summary>
public sealed class JobRunDownloadTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private FakeWorkerService _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix it\n"));
        _server.Files.Add(FakeTaskFile.Generated("fixtures.bin", 300_000));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_DownloadRejected_ReportsFailureAndExitsRejected()
    {
        _server.FailAlways("DownloadTaskFiles", StatusCode.NotFound);

        var exitCode = await RunAsync();

        Assert.Equal(WorkerExitCodes.ConductorRejected, exitCode);
        var result = Assert.Single(_server.Results);
        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.Equal("conductor_rejected", result.Error.Code);
        Assert.Contains("NotFound", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DownloadCutOffEveryTime_ReportsFailureAndExitsUnreachable()
    {
        _server.CutDuring("fixtures.bin", 100_000, times: int.MaxValue);

        var exitCode = await RunAsync();

        Assert.Equal(WorkerExitCodes.ConductorUnreachable, exitCode);
        var result = Assert.Single(_server.Results);
        Assert.Equal("conductor_unreachable", result.Error.Code);
        Assert.Equal(1 + TaskFileDownloader.MaxResumesWithoutProgress, _server.DownloadRequests.Count);
    }

    private async Task<int> RunAsync()
    {
        var settings = new WorkerSettings(_server.Address, FakeWorkerService.JobId, FakeWorkerService.Token, null, null, _temp.File("work"), null, false);
        using var client = ConductorClients.Create(_server.Address, TimeProvider.System, options: new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });
        var run = new JobRun(settings, client, FakeGitWorkspace.Unused(), new UnusedAgent(), null, FakeGitWorkspace.Safety(), TimeProvider.System, new ListLogger<JobRun>());
        return await run.RunAsync(Ct);
    }


    private sealed class UnusedAgent : IAgentRunner
    {
        public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
            => throw new InvalidOperationException("the agent ran although the task files did not arrive");
    }
}
