using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The embedded default, end to end: the real conductor with its local process launcher starts the real worker
/// binary, which clones a bare repository, runs the scripted Codex stand-in (tests/tools/fake-codex.js), pushes its
/// branch and reports. No GitHub is configured, so the pushed branch is the result.
/// </summary>
public sealed class LocalRunTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly BareRepository _remote;

    public LocalRunTests()
    {
        _remote = BareRepository.Create(_directory);
        // The worker process inherits these from the conductor (this process).
        Environment.SetEnvironmentVariable("Agent__Command__0", "node");
        Environment.SetEnvironmentVariable("Agent__Command__1", Path.Combine(RepoPaths.Root, "tests", "tools", "fake-codex.js"));
        // Tests of this class share the process environment, so every one starts from the same: no GitHub, no echo.
        foreach (var name in new[] { "WORK_DIR", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "CODEX_API_KEY", "FAKE_CODEX_ECHO_KEY", "FAKE_CODEX_EDITS", "FAKE_CODEX_MODE" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_WorkedByARealWorkerProcess_BranchPushedAndJobSucceeded()
    {
        Environment.SetEnvironmentVariable("FAKE_CODEX_MODE", "success");
        Environment.SetEnvironmentVariable("FAKE_CODEX_EDITS", "src/fix.txt=fixed by the agent");
        await using var host = await StartAsync();

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("succeeded", state);
        var branch = Assert.Single(Branches(host, jobId));
        Assert.StartsWith($"agent/{jobId}/", branch, StringComparison.Ordinal);
        Assert.Equal("fixed by the agent", _remote.Show(branch, "src/fix.txt").Trim());
        Assert.Equal(_remote.Head(branch), host.Scalar("SELECT head_commit FROM job_results WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(["pending", "launching", "launched", "connected", "running", "succeeded"], job.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task Ticket_AgentFailsAfterEditing_JobFailedButPartialWorkPushed()
    {
        Environment.SetEnvironmentVariable("FAKE_CODEX_MODE", "turn-failed"); // edits the files, then the turn fails (exit 0)
        Environment.SetEnvironmentVariable("FAKE_CODEX_EDITS", "half-done.txt=partial work");
        await using var host = await StartAsync();

        var jobId = await JobApi.PostTicketAsync(host, "PAY-7");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("failed", state);
        var branch = Assert.Single(Branches(host, jobId));
        Assert.Equal("partial work", _remote.Show(branch, "half-done.txt").Trim());
        Assert.Contains("agent", (string?)host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)) ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_WithGitHub_OpensOnePullRequestAndNoSecretReachesAnyOutput()
    {
        const string GitHubToken = "ghp_e2eTokenThatMustNeverBeLogged0123";
        const string CodexKey = "sk-e2e-codex-key-that-must-never-be-logged";
        await using var gitHub = await AgentConductor.TestSupport.FakeGitHub.FakeGitHubServer.StartAsync(GitHubToken, cancellationToken: Ct);
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", GitHubToken);
        Environment.SetEnvironmentVariable("GITHUB_API_URL", gitHub.BaseUrl.ToString());
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", "acme/app");
        Environment.SetEnvironmentVariable("CODEX_API_KEY", CodexKey);
        Environment.SetEnvironmentVariable("FAKE_CODEX_ECHO_KEY", "1"); // the agent prints the key: it must be masked everywhere
        Environment.SetEnvironmentVariable("FAKE_CODEX_EDITS", "src/fix.txt=fixed");
        await using var host = await StartAsync();

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("succeeded", state);
        gitHub.AssertNoFailures();
        var pullRequest = Assert.Single(gitHub.PullRequests);
        Assert.StartsWith($"agent/{jobId}/", pullRequest.HeadRef, StringComparison.Ordinal);
        Assert.Equal("main", pullRequest.BaseRef);
        Assert.StartsWith("PAY-412: ", pullRequest.Title, StringComparison.Ordinal);
        Assert.Contains(jobId, pullRequest.Body, StringComparison.Ordinal);
        Assert.EndsWith(
            $"/acme/app/pull/{pullRequest.Number}",
            (string?)host.Scalar("SELECT pull_request_url FROM job_results WHERE job_id = @id", ("@id", jobId)),
            StringComparison.Ordinal);
        var workerLog = string.Concat(Directory.GetFiles(_directory.File("workers"), "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        var progressLog = string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)));
        Assert.Contains("***", workerLog + progressLog, StringComparison.Ordinal);
        foreach (var secret in new[] { GitHubToken, CodexKey })
        {
            Assert.DoesNotContain(secret, workerLog, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, progressLog, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, pullRequest.Body, StringComparison.Ordinal);
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
        Environment.SetEnvironmentVariable("FAKE_CODEX_EDITS", "src/fix.txt=first attempt");
        // The second worker is started by hand below, not by the launcher: the reconciler must not judge it by the first.
        await using var host = await StartAsync("--Reconcile:PollInterval=01:00:00");
        var jobId = await JobApi.PostTicketAsync(host, "PAY-500");
        await JobApi.WaitForEndAsync(host, jobId);
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        var firstHead = _remote.Head(branch);

        // As the reconciler's retry would: the job runs again (its first worker vanished after opening the pull request).
        host.Execute("DELETE FROM job_results WHERE job_id = @id", ("@id", jobId));
        host.Execute("UPDATE jobs SET state = 'launched', attempt = attempt + 1 WHERE id = @id", ("@id", jobId));
        var token = host.Services.GetRequiredService<AgentConductor.Conductor.WorkerApi.JobTokens>().Issue(jobId);
        Environment.SetEnvironmentVariable("FAKE_CODEX_EDITS", "src/fix.txt=second attempt");
        var (exit, _, stderr) = await WorkerProcess.RunAsync(host.WorkerAddress, jobId, token, Ct);

        Assert.True(exit == 0, stderr);
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
        Environment.SetEnvironmentVariable("FAKE_CODEX_MODE", "success");
        await using var host = await StartAsync();

        var jobId = await JobApi.PostTicketAsync(host, "PAY-9");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("no_changes", state);
        Assert.Empty(Branches(host, jobId));
    }

    [Fact]
    public async Task Ticket_AgentHangs_WatchdogKillsItAndTheJobFails()
    {
        Environment.SetEnvironmentVariable("FAKE_CODEX_MODE", "hang");
        await using var host = await StartAsync("--Agent:IdleTimeout=00:00:02", "--Agent:Timeout=00:05:00");

        var jobId = await JobApi.PostTicketAsync(host, "PAY-10");
        var (state, _) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal("failed", state);
        Assert.Equal("agent_idle", host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)));
    }

    public void Dispose() => _directory.Dispose();

    private Task<ConductorHost> StartAsync(params string[] settings) => ConductorHost.StartAsync(
        [
            $"--Routing:Default:CloneUrl={_remote.CloneUrl}",
            "--Routing:Default:BaseBranch=main",
            $"--LocalLauncher:LogFolder={_directory.File("workers")}",
            .. settings,
        ],
        defaultRoute: false,
        jobsEngine: true,
        realLauncher: true,
        cancellationToken: Ct);

    private List<string> Branches(ConductorHost host, string jobId) =>
        [.. new[] { (string?)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId)) }.OfType<string>().Where(b => _remote.Head(b) is not null)];
}
