using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Tests.Fakes;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>The conductor's <c>Agent</c> settings arrive in the job spec and reach the agent run.</summary>
public sealed class JobRunAgentSettingsTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingAgent _agent = new();
    private readonly ListLogger<JobRun> _logger = new();
    private FakeWorkerService _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _server.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix it\n"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_SpecCarriesAgentSettings_TheAgentRunsWithThem()
    {
        _server.Agent = new AgentSettings
        {
            Model = "gpt-test",
            ModelBaseUrl = "http://127.0.0.1:8080/v1",
            IdleTimeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
            OverallTimeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(20)),
            ExtraConfig = { ["model_reasoning_effort"] = "\"high\"" },
        };

        var exitCode = await RunAsync();

        Assert.Equal(WorkerExitCodes.NoChanges, exitCode);
        var request = Assert.Single(_agent.Requests);
        Assert.Equal("gpt-test", request.Model);
        Assert.Equal(new Uri("http://127.0.0.1:8080/v1"), request.ModelBaseUrl);
        Assert.Equal(TimeSpan.FromMinutes(3), request.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(20), request.Timeout);
        Assert.Equal("\"high\"", Assert.Single(request.ExtraConfig, c => c.Key == "model_reasoning_effort").Value);
    }

    [Fact]
    public async Task RunAsync_SpecWithoutAgentSettings_LeavesTheWorkersOwn()
    {
        var exitCode = await RunAsync();

        Assert.Equal(WorkerExitCodes.NoChanges, exitCode);
        var request = Assert.Single(_agent.Requests);
        Assert.True(string.IsNullOrEmpty(request.Model));
        Assert.Null(request.ModelBaseUrl);
        Assert.Null(request.IdleTimeout);
        Assert.Null(request.Timeout);
        Assert.Empty(request.ExtraConfig);
    }

    [Fact]
    public async Task RunAsync_SpecWithAModelBaseUrlThatIsNoUrl_FailsBeforeTheAgentRuns()
    {
        _server.Agent = new AgentSettings { ModelBaseUrl = "models.example/v1" };

        var exitCode = await RunAsync();

        Assert.Equal(WorkerExitCodes.InvalidConfiguration, exitCode);
        Assert.Empty(_agent.Requests);
        var result = Assert.Single(_server.Results);
        Assert.Equal("job_spec", result.Error.Code);
        Assert.Contains("'models.example/v1' is not an absolute http:// or https:// URL", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkFolderUnderTheTempDir_Warns()
    {
        var exitCode = await RunAsync(); // this test's work folder is under the temp dir

        Assert.Equal(WorkerExitCodes.NoChanges, exitCode);
        Assert.Contains(_logger.Entries, e => e.EventName == "WorkDirectoryUnderTemp" && e.Message.Contains(_temp.File("work"), StringComparison.Ordinal));
    }

    private async Task<int> RunAsync()
    {
        var settings = new WorkerSettings(_server.Address, FakeWorkerService.JobId, FakeWorkerService.Token, null, null, _temp.File("work"), null, false);
        using var client = ConductorClients.Create(_server.Address, TimeProvider.System, options: new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });
        var run = new JobRun(settings, client, FakeGitWorkspace.NoChanges(), _agent, null, FakeGitWorkspace.Safety(), TimeProvider.System, _logger);
        return await run.RunAsync(Ct);
    }

    private sealed class RecordingAgent : IAgentRunner
    {
        public List<AgentRunRequest> Requests { get; } = [];

        public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new AgentRunResult(AgentOutcome.Succeeded, "nothing to do", new TokenUsage(), null, 0, [], false, TimeSpan.Zero));
        }
    }

}
