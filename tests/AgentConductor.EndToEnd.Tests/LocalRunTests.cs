using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The embedded default, end to end: the real conductor with its local process launcher starts the real worker
/// binary, which clones a bare repository, runs the real pinned Codex CLI against the scripted model, pushes its
/// branch and reports. No GitHub is configured (except where a test starts the fake), so the pushed branch is the result.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class LocalRunTests : IAsyncDisposable
{
    private const string Key = "sk-e2e-local-model-key-0123456789";
    private const string RetriesOff = "--Agent:ExtraConfig:model_providers.agent_conductor.stream_max_retries=0";
    private readonly TempDirectory _directory = new();
    // The workers' folders (their work folders inside) are outside the temp dir, as the worker's default is.
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();
    private readonly BareRepository _remote;
    private ScriptedModelServer? _model;

    public LocalRunTests()
    {
        _remote = BareRepository.Create(_directory);
        // The worker processes inherit these from the conductor (this process): the pinned CLI and the model's key.
        Environment.SetEnvironmentVariable("Agent__Command__0", CodexCli.Require());
        Environment.SetEnvironmentVariable("Agent__Command__1", null);
        Environment.SetEnvironmentVariable("CODEX_API_KEY", Key);
        // Tests of this class share the process environment, so every one starts from the same: no GitHub.
        foreach (var name in new[] { "WORK_DIR", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScriptedModelServer Model => _model!;

    [Fact]
    public async Task Ticket_WorkedByARealWorkerProcess_BranchPushedUsageShownAndJobSucceeded()
    {
        await using var host = await StartAsync(ModelScripts.ShellPatchMessage);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{WorkerLog(jobId)}");
        Model.AssertNoFailures();
        var branch = Assert.Single(Branches(host, jobId));
        Assert.StartsWith($"agent/{jobId}/", branch, StringComparison.Ordinal);
        Assert.Equal("changed by a shell command", _remote.Show(branch, "shell.txt").Trim());
        Assert.Equal("added by a patch", _remote.Show(branch, "patched.txt").Trim());
        Assert.Equal(_remote.Head(branch), host.Scalar("SELECT head_commit FROM job_results WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(["pending", "launching", "launched", "connected", "running", "succeeded"], job.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()));
        // Three responses, one turn: the job shows their usage summed, cache writes included.
        var usage = job.GetProperty("job").GetProperty("usage");
        var three = ModelUsage.Default * 3;
        Assert.Equal(
            (three.Input, three.CachedInput, three.CacheWriteInput, three.Output, three.Reasoning),
            (usage.GetProperty("inputTokens").GetInt64(), usage.GetProperty("cachedInputTokens").GetInt64(), usage.GetProperty("cacheWriteInputTokens").GetInt64(),
                usage.GetProperty("outputTokens").GetInt64(), usage.GetProperty("reasoningOutputTokens").GetInt64()));
        // The file the shell command wrote is among the files changed: they come from git, not from Codex's events.
        var filesChanged = host.Strings("SELECT text FROM job_logs WHERE job_id = @id AND stream = 'progress' AND text LIKE '%filesChanged%'", ("@id", jobId));
        Assert.Equal(["patched.txt", "shell.txt"], Paths(Assert.Single(filesChanged)));
        // The model got the task files as the prompt, with the worker's credential.
        Assert.Contains("PAY-412", Model.Requests[0].UserText, StringComparison.Ordinal);
        Assert.All(Model.Requests, r => Assert.True(r.CredentialAccepted));
    }

    [Fact]
    public async Task Ticket_AgentFailsAfterEditing_JobFailedWithTheReasonAndThePartialWorkPushed()
    {
        await using var host = await StartAsync(ModelScripts.EditThenFail, RetriesOff);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-7");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "failed", $"job ended {state}: {job}");
        Model.AssertNoFailures();
        var branch = Assert.Single(Branches(host, jobId));
        Assert.Equal("partial work", _remote.Show(branch, "half-done.txt").Trim());
        Assert.Equal("agent_failed", host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(
            "the agent exited with code 1: stream disconnected before completion: The model failed to answer.",
            host.Scalar("SELECT error_message FROM job_results WHERE job_id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Ticket_WithGitHub_OpensOnePullRequestAndNoSecretReachesAnyOutput()
    {
        const string GitHubToken = "ghp_e2eTokenThatMustNeverBeLogged0123";
        await using var gitHub = await AgentConductor.TestSupport.FakeGitHub.FakeGitHubServer.StartAsync(GitHubToken, cancellationToken: Ct);
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", GitHubToken);
        Environment.SetEnvironmentVariable("GITHUB_API_URL", gitHub.BaseUrl.ToString());
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", "acme/app");
        // The model repeats the key it was sent: it must be masked everywhere.
        await using var host = await StartAsync(ModelScript.Of(ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.MessageEchoingCredential("Fixed it.")));

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "succeeded", $"job ended {state}: {job}");
        Model.AssertNoFailures();
        gitHub.AssertNoFailures();
        var pullRequest = Assert.Single(gitHub.PullRequests);
        Assert.StartsWith($"agent/{jobId}/", pullRequest.HeadRef, StringComparison.Ordinal);
        Assert.Equal("main", pullRequest.BaseRef);
        Assert.StartsWith("PAY-412: ", pullRequest.Title, StringComparison.Ordinal);
        Assert.Contains(jobId, pullRequest.Body, StringComparison.Ordinal);
        Assert.Contains("Fixed it. (my key is ***)", pullRequest.Body, StringComparison.Ordinal);
        Assert.EndsWith(
            $"/acme/app/pull/{pullRequest.Number}",
            (string?)host.Scalar("SELECT pull_request_url FROM job_results WHERE job_id = @id", ("@id", jobId)),
            StringComparison.Ordinal);
        var workerLog = WorkerLog(jobId);
        var progressLog = string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)));
        var summary = (string?)host.Scalar("SELECT summary FROM job_results WHERE job_id = @id", ("@id", jobId));
        Assert.Contains("***", progressLog, StringComparison.Ordinal);
        foreach (var secret in new[] { GitHubToken, Key })
        {
            Assert.DoesNotContain(secret, workerLog, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, progressLog, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, pullRequest.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rerun_OfAJobWhosePullRequestIsOpen_ReusesThatPullRequest()
    {
        const string GitHubToken = "ghp_e2eRerunToken0123456789";
        await using var gitHub = await AgentConductor.TestSupport.FakeGitHub.FakeGitHubServer.StartAsync(GitHubToken, cancellationToken: Ct);
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", GitHubToken);
        Environment.SetEnvironmentVariable("GITHUB_API_URL", gitHub.BaseUrl.ToString());
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", "acme/app");
        // The second worker is started by hand below, not by the launcher: the reconciler must not judge it by the first.
        await using var host = await StartAsync(
            ModelScript.Of(
                ModelStep.AddFile("src/fix.txt", "first attempt"), ModelStep.Message("First attempt."),
                ModelStep.AddFile("src/fix.txt", "second attempt"), ModelStep.Message("Second attempt.")),
            "--Reconcile:PollInterval=01:00:00");
        var jobId = await JobApi.PostTicketAsync(host, "PAY-500");
        await JobApi.WaitForEndAsync(host, jobId);
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        var firstHead = _remote.Head(branch);

        // As the reconciler's retry would: the job runs again (its first worker vanished after opening the pull request).
        host.Execute("DELETE FROM job_results WHERE job_id = @id", ("@id", jobId));
        host.Execute("UPDATE jobs SET state = 'launched', attempt = attempt + 1 WHERE id = @id", ("@id", jobId));
        var token = host.Services.GetRequiredService<AgentConductor.Conductor.WorkerApi.JobTokens>().Issue(jobId);
        var (exit, _, stderr) = await WorkerProcess.RunAsync(host.WorkerAddress, jobId, token, _workers.Path, Ct);

        Assert.True(exit == 0, stderr);
        Model.AssertNoFailures();
        gitHub.AssertNoFailures();
        var pullRequest = Assert.Single(gitHub.PullRequests);
        Assert.Equal(branch, pullRequest.HeadRef);
        Assert.NotEqual(firstHead, _remote.Head(branch));
        Assert.Equal("second attempt", _remote.Show(branch, "src/fix.txt").Trim());
        Assert.Equal("succeeded", host.State(jobId));
        Assert.EndsWith($"/pull/{pullRequest.Number}", (string?)host.Scalar("SELECT pull_request_url FROM job_results WHERE job_id = @id", ("@id", jobId)), StringComparison.Ordinal);
        Assert.DoesNotContain(token, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_AgentChangesNothing_NoChangesAndNoBranch()
    {
        await using var host = await StartAsync(ModelScript.Of(ModelStep.Message("Nothing needed changing.")));

        var jobId = await JobApi.PostTicketAsync(host, "PAY-9");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("no_changes", state);
        Model.AssertNoFailures();
        Assert.Empty(Branches(host, jobId));
    }

    [Fact]
    public async Task Ticket_ModelHangsMidStream_IdleWatchdogStopsTheAgentAndTheJobFails()
    {
        await using var host = await StartAsync(ModelScript.Of(ModelStep.HangMidStream()), "--Agent:IdleTimeout=00:00:05", "--Agent:Timeout=00:05:00");

        var jobId = await JobApi.PostTicketAsync(host, "PAY-10");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("failed", state);
        Assert.Equal("agent_idle", host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)));
        Assert.True(Model.HangStarted.IsCompleted, $"the model never got to hang; it saw {string.Join(", ", Model.Requests.Select(r => r.Answer))}\n{WorkerLog(jobId)}");
        Assert.True(await Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Codex never closed the hanging stream");
    }

    [Fact]
    public async Task Cancel_WhileTheAgentWorks_CancelledWithThePartialWorkPushed()
    {
        await using var host = await StartAsync(ModelScripts.EditThenHang, "--WorkerApi:HeartbeatInterval=00:00:01");
        var jobId = await JobApi.PostTicketAsync(host, "PAY-11");
        await Model.HangStarted.WaitAsync(TimeSpan.FromSeconds(90), Ct);

        using var cancel = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=e2e", null, Ct);
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True(state == "cancelled", $"job ended {state}: {job}");
        Model.AssertNoFailures();
        var branch = Assert.Single(Branches(host, jobId));
        Assert.Equal("partial work", _remote.Show(branch, "half-done.txt").Trim());
        Assert.Equal("cancelled", host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)));
        // The worker heard the cancel, interrupted Codex, pushed and exited by itself.
        Assert.True(await Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("50", await Eventually.ValueAsync(() => ExitCode(jobId), Ct, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Ticket_Model503sThenRecovers_Succeeded()
    {
        // Without Codex's quiet request retries, the first 503 shows as "Reconnecting... 1/5" at once.
        await using var host = await StartAsync(
            ModelScript.Of(ModelStep.HttpError(503, "The server is overloaded."), ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed after a hiccup.")),
            "--Agent:ExtraConfig:model_providers.agent_conductor.request_max_retries=0");

        var jobId = await JobApi.PostTicketAsync(host, "PAY-12");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "succeeded", $"job ended {state}: {job}");
        Model.AssertNoFailures();
        Assert.Equal([503, 200, 200], Model.Requests.Select(r => r.Status));
        Assert.Contains(
            host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)),
            line => line.StartsWith("codex error: Reconnecting... 1/5 (unexpected status 503", StringComparison.Ordinal));
        Assert.Equal("fixed", _remote.Show(Assert.Single(Branches(host, jobId)), "src/fix.txt").Trim());
    }

    [Fact]
    public async Task Ticket_ModelRefusesTheKey_FailsNamingTheCredentialWithoutARetryStorm()
    {
        Environment.SetEnvironmentVariable("CODEX_API_KEY", "sk-e2e-a-key-the-model-does-not-take");
        // One reconnect instead of Codex's five (the worker tests run the five): the bound is what matters here.
        await using var host = await StartAsync(ModelScripts.ShellPatchMessage, "--Agent:ExtraConfig:model_providers.agent_conductor.stream_max_retries=1");

        var jobId = await JobApi.PostTicketAsync(host, "PAY-13");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "failed", $"job ended {state}: {job}");
        Model.AssertNoFailures();
        var message = (string?)host.Scalar("SELECT error_message FROM job_results WHERE job_id = @id", ("@id", jobId));
        Assert.StartsWith(
            "the agent exited with code 1: the model API refused the agent's credential (401): check the CODEX_API_KEY the worker was given",
            message,
            StringComparison.Ordinal);
        // One request and the one reconnect allowed, one attempt of the job: then nothing more.
        Assert.Equal(1, job.GetProperty("job").GetProperty("attempt").GetInt32());
        Assert.Equal(2, Model.Requests.Count);
        Assert.All(Model.Requests, r => Assert.Equal(401, r.Status));
        Assert.Empty(Branches(host, jobId));
    }

    public async ValueTask DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        _workers.Dispose();
        _directory.Dispose();
    }

    private async Task<ConductorHost> StartAsync(ModelScript script, params string[] settings)
    {
        _model = await ScriptedModelServer.StartAsync(script, Key, cancellationToken: Ct);
        return await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={_remote.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                $"--LocalLauncher:LogFolder={_workers.Path}",
                $"--Agent:ModelBaseUrl={_model.BaseUrl}",
                .. settings,
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);
    }

    private List<string> Branches(ConductorHost host, string jobId) =>
        [.. new[] { (string?)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId)) }.OfType<string>().Where(b => _remote.Head(b) is not null)];

    private string WorkerLog(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.log")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log")) : "";

    private string? ExitCode(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.exit")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.exit")).Trim() : null;

    private static string[] Paths(string progressJson)
    {
        using var progress = JsonDocument.Parse(progressJson);
        return [.. progress.RootElement.GetProperty("filesChanged").GetProperty("paths").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal)];
    }
}
