using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Docker;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Launching.Docker;

/// <summary>The Docker launcher against a strict fake docker CLI that checks every call's arguments and environment.</summary>
public sealed class DockerLauncherTests : IDisposable
{
    private const string Token = "tok-0123456789abcdefghijklmnopqrstuvwxyzABCD";
    private const string Name = "agent-worker-01job";
    private const string EngineDown = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n";
    private static readonly string[] Prune = ["container", "prune", "--force", "--filter", "label=agent-conductor.instance=test", "--filter", "until=86400s"];
    private static readonly string[] InspectJob = ["container", "inspect", Name];
    private readonly TempDirectory _directory = new();
    private readonly ListLogger<DockerLauncher> _log = new();
    private readonly FakeDocker _docker;

    public DockerLauncherTests() => _docker = new FakeDocker(_directory, Token);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Launch_NewJob_RunsOneContainerWithLimitsLabelsAndTheTokenOnlyInItsEnvironment()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stdout: "[]\n", stderr: $"Error: No such container: {Name}\n", exit: 1)
            .Expect(
                [
                    "run", "--detach", "--name", Name, "--pull", "never", "--network", "host", "--cpus", "1.5", "--memory", "512m",
                    "--security-opt", "no-new-privileges",
        "--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "KILL", "--cap-add", "SETGID", "--cap-add", "SETUID",
                    "--label", "agent-conductor.instance=test", "--label", "agent-conductor.job-id=01job", "--label", "agent-conductor.attempt=1",
                    "--label", "agent-conductor.kind=incident", "--label", "agent-conductor.subject=111122223333",
                    "--env", "CONDUCTOR_URL", "--env", "JOB_ID", "--env", "JOB_TOKEN", "--env", "Agent__Model", "--env", "PR_DRAFT", "--env", "GITHUB_TOKEN",
                    "--volume", "/srv/cache:/cache:ro", "worker:test",
                ],
                stdout: "4f2a9c0e11aa22bb33cc44dd55ee66ff77889900aabbccddeeff001122334455\n",
                env: new Dictionary<string, string>
                {
                    ["JOB_TOKEN"] = Token, ["JOB_ID"] = "01job", ["CONDUCTOR_URL"] = "http://127.0.0.1:7000", ["Agent__Model"] = "gpt-test", ["PR_DRAFT"] = "true",
                });
        var launcher = NewLauncher(o =>
        {
            o.Cpus = 1.5m;
            o.Memory = "512m";
            o.Pull = "never";
            o.Environment = ["Agent__Model=gpt-test", "PR_DRAFT=true"];
            o.PassEnvironment = ["GITHUB_TOKEN"];
            o.ExtraArgs = ["--volume", "/srv/cache:/cache:ro"];
        });

        var worker = await launcher.LaunchAsync(Request("01job", attempt: 1) with { Kind = "incident", Subject = "111122223333" }, Ct);

        Assert.Equal(Name, worker.Reference);
        Assert.Equal(new WorkerSize(1.5m, 0.5m), worker.Size); // what its compute is priced by: --cpus and --memory
        _docker.AssertAllCalled();
        Assert.Equal(1, _log.Count("WorkerContainerStarted"));
        Assert.Contains(_log.Entries, e => e.Message.Contains("(4f2a9c0e11aa)", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Launch_JobWhoseContainerStillRuns_RemovesItRunsANewOneAndPrunesOnlyOnceAnHour()
    {
        var env = new Dictionary<string, string> { ["JOB_TOKEN"] = Token };
        _docker.Expect(Prune)
            .Expect(InspectJob, stdout: FakeDocker.Inspect(FakeDocker.Container(Name, "01job", "running")))
            .Expect(["rm", "--force", Name], stdout: Name + "\n")
            .Expect(RunArguments("01job", attempt: 1), stdout: "abc\n", env: env)
            .Expect(InspectJob, stdout: FakeDocker.Inspect(FakeDocker.Container(Name, "01job", "running")))
            .Expect(["rm", "--force", Name], stdout: Name + "\n")
            .Expect(RunArguments("01job", attempt: 1), stdout: "def\n", env: env);
        var launcher = NewLauncher();

        var first = await launcher.LaunchAsync(Request("01job", attempt: 1), Ct);
        var second = await launcher.LaunchAsync(Request("01job", attempt: 1), Ct);

        Assert.Equal((Name, Name), (first.Reference, second.Reference));
        _docker.AssertAllCalled();
        Assert.Equal((2, 2), (_log.Count("WorkerContainerReplaced"), _log.Count("WorkerContainerStarted")));
        Assert.Contains(_log.Entries, e => e.Message.Contains("(running)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Launch_EarlierAttemptExited_RemovesItsContainerAndRunsAgain()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stdout: FakeDocker.Inspect(FakeDocker.Container(Name, "01job", "exited", exitCode: 137)))
            .Expect(["rm", "--force", Name], stdout: Name + "\n")
            .Expect(RunArguments("01job", attempt: 1), stdout: "abc\n", env: new Dictionary<string, string> { ["JOB_TOKEN"] = Token });
        var launcher = NewLauncher();

        var worker = await launcher.LaunchAsync(Request("01job", attempt: 1), Ct);

        Assert.Equal(Name, worker.Reference);
        _docker.AssertAllCalled();
        Assert.Equal(1, _log.Count("WorkerContainerReplaced"));
    }

    [Fact]
    public async Task Launch_ImageMissing_IsNotRetriedAndNamesTheSetting()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stderr: $"Error: No such container: {Name}\n", exit: 1)
            .Expect(RunArguments("01job"), stderr: "docker: Error response from daemon: No such image: worker:test.\nSee 'docker run --help'.\n", exit: 125);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => NewLauncher().LaunchAsync(Request("01job"), Ct));

        Assert.False(failure.Retryable);
        Assert.Contains("DockerLauncher:Image", failure.Message, StringComparison.Ordinal);
        Assert.Contains("No such image: worker:test", failure.Message, StringComparison.Ordinal);
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Launch_EngineNotAnswering_IsRetriedAndThePruneFailureOnlyLogged()
    {
        _docker.Expect(Prune, stderr: EngineDown, exit: 1).Expect(InspectJob, stderr: EngineDown, exit: 1);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => NewLauncher().LaunchAsync(Request("01job"), Ct));

        Assert.True(failure.Retryable);
        Assert.Contains("Cannot connect to the Docker daemon", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, _log.Count("WorkerContainerPruneFailed"));
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Launch_EntrypointCannotRun_RemovesTheContainerAndIsNotRetried()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stderr: $"Error: No such container: {Name}\n", exit: 1)
            .Expect(RunArguments("01job"), stdout: "abc\n", stderr: "docker: Error response from daemon: failed to create shim task: exec: \"/usr/bin/tini\": no such file or directory: unknown.\n", exit: 127)
            .Expect(["rm", "--force", Name], stdout: Name + "\n");

        var failure = await Assert.ThrowsAsync<LaunchException>(() => NewLauncher().LaunchAsync(Request("01job"), Ct));

        Assert.False(failure.Retryable);
        Assert.Contains("cannot start its worker", failure.Message, StringComparison.Ordinal);
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Launch_ArgumentsDockerRefuses_AreNotRetried()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stderr: $"Error: No such container: {Name}\n", exit: 1)
            .Expect(RunArguments("01job"), stderr: "invalid argument \"4g\" for \"-m, --memory\" flag: invalid size\nSee 'docker run --help'.\n", exit: 125);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => NewLauncher().LaunchAsync(Request("01job"), Ct));

        Assert.False(failure.Retryable);
        Assert.Contains("check the DockerLauncher settings", failure.Message, StringComparison.Ordinal);
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Launch_OtherRunFailure_IsRetried()
    {
        _docker.Expect(Prune)
            .Expect(InspectJob, stderr: $"Error: No such container: {Name}\n", exit: 1)
            .Expect(RunArguments("01job"), stderr: "docker: Error response from daemon: Conflict. The container name \"/agent-worker-01job\" is already in use.\n", exit: 125);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => NewLauncher().LaunchAsync(Request("01job"), Ct));

        Assert.True(failure.Retryable);
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Launch_DockerCommandMissing_IsNotRetriedAndNamesTheSetting()
    {
        var launcher = NewLauncher(o => o.DockerCommand = "/nonexistent/docker");

        var failure = await Assert.ThrowsAsync<LaunchException>(() => launcher.LaunchAsync(Request("01job"), Ct));

        Assert.False(failure.Retryable);
        Assert.Contains("DockerLauncher:DockerCommand", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_DockerHangs_CallIsKilledAfterTheTimeoutAndRetried()
    {
        _docker.Expect(Prune).Expect(InspectJob, stdout: "[]\n", sleepMs: 20_000);
        var launcher = NewLauncher(o => o.CommandTimeout = TimeSpan.FromSeconds(2));
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<LaunchException>(() => launcher.LaunchAsync(Request("01job"), Ct));

        Assert.True(failure.Retryable);
        Assert.Contains("did not finish within", failure.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the hanging call was not cut off");
        _docker.AssertAllCalled();
    }

    [Theory]
    [InlineData("running", 0, "running")]
    [InlineData("paused", 0, "running")]
    [InlineData("exited", 3, "exited 3")]
    [InlineData("created", 127, "gone")]
    [InlineData("dead", 0, "gone")]
    public async Task GetStatus_ContainerState_MapsToWorkerStatus(string state, int exitCode, string expected)
    {
        _docker.Expect(InspectJob, stdout: FakeDocker.Inspect(FakeDocker.Container(Name, "01job", state, exitCode, error: state == "created" ? "exec format error" : "")));

        var status = await NewLauncher().GetStatusAsync(Name, Ct);

        Assert.Equal(expected, status switch
        {
            WorkerStatus.RunningStatus => "running",
            WorkerStatus.ExitedStatus exited => $"exited {exited.ExitCode}",
            _ => "gone",
        });
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task GetStatus_NoSuchContainer_IsGone()
    {
        _docker.Expect(InspectJob, stdout: "[]\n", stderr: $"Error: No such container: {Name}\n", exit: 1);

        var status = await NewLauncher().GetStatusAsync(Name, Ct);

        Assert.Contains("does not exist", Assert.IsType<WorkerStatus.GoneStatus>(status).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatus_EngineNotAnswering_ThrowsInsteadOfReportingTheWorkerGone()
    {
        _docker.Expect(InspectJob, stderr: EngineDown, exit: 1);

        var failure = await Assert.ThrowsAsync<DockerCliException>(() => NewLauncher().GetStatusAsync(Name, Ct));

        Assert.Contains("Cannot connect", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatus_AnswerThatIsNotJson_Throws()
    {
        _docker.Expect(InspectJob, stdout: "<html>proxy error</html>");

        await Assert.ThrowsAsync<DockerCliException>(() => NewLauncher().GetStatusAsync(Name, Ct));
    }

    [Fact]
    public async Task Stop_GraceInWholeSecondsRoundedUp_AndTheExitCodeLogged()
    {
        _docker.Expect(["stop", "--time", "2", Name], stdout: Name + "\n")
            .Expect(InspectJob, stdout: FakeDocker.Inspect(FakeDocker.Container(Name, "01job", "exited", exitCode: 137)));

        await NewLauncher().StopAsync(Name, TimeSpan.FromMilliseconds(1200), Ct);

        _docker.AssertAllCalled();
        Assert.Contains(_log.Entries, e => e.EventName == "WorkerContainerStopped" && e.Message.Contains("exit code 137", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_ContainerGone_DoesNothingMore()
    {
        _docker.Expect(["stop", "--time", "0", Name], stderr: $"Error response from daemon: No such container: {Name}\n", exit: 1);

        await NewLauncher().StopAsync(Name, TimeSpan.Zero, Ct);

        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task Stop_EngineFails_Throws()
    {
        _docker.Expect(["stop", "--time", "10", Name], stderr: EngineDown, exit: 1);

        await Assert.ThrowsAsync<DockerCliException>(() => NewLauncher().StopAsync(Name, TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task List_ThisInstancesContainers_WithTheirJobsAndStates()
    {
        _docker.Expect(["ps", "--all", "--quiet", "--no-trunc", "--filter", "label=agent-conductor.instance=test"], stdout: "aaa111\nbbb222\nccc333\n")
            .Expect(
                ["container", "inspect", "aaa111", "bbb222", "ccc333"],
                stdout: FakeDocker.Inspect(
                    FakeDocker.Container("agent-worker-01a", "01a", "running"),
                    FakeDocker.Container("agent-worker-01b", "01b", "exited", exitCode: 10),
                    FakeDocker.Container("someone-else", null, "running")));

        var workers = await NewLauncher().ListAsync(Ct);

        Assert.Equal(
            [new KnownWorker("01a", "agent-worker-01a", WorkerStatus.Running), new KnownWorker("01b", "agent-worker-01b", WorkerStatus.Exited(10))],
            workers);
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task List_NoContainers_AsksNothingMore()
    {
        _docker.Expect(["ps", "--all", "--quiet", "--no-trunc", "--filter", "label=agent-conductor.instance=test"], stdout: "");

        Assert.Empty(await NewLauncher().ListAsync(Ct));
        _docker.AssertAllCalled();
    }

    [Fact]
    public async Task List_EngineNotAnswering_Throws()
    {
        _docker.Expect(["ps", "--all", "--quiet", "--no-trunc", "--filter", "label=agent-conductor.instance=test"], stderr: EngineDown, exit: 1);

        await Assert.ThrowsAsync<DockerCliException>(() => NewLauncher().ListAsync(Ct));
    }

    public void Dispose() => _directory.Dispose();

    private static LaunchRequest Request(string jobId, int attempt = 0) =>
        new(jobId, attempt, Token, "http://127.0.0.1:7000", "https://git.example/acme/pay.git", "main") { Kind = "ticket", Subject = "PAY-1" };

    private static string[] RunArguments(string jobId, int attempt = 0) =>
    [
        "run", "--detach", "--name", "agent-worker-" + jobId, "--pull", "missing", "--network", "host", "--cpus", "2", "--memory", "4g",
        "--security-opt", "no-new-privileges",
        "--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "KILL", "--cap-add", "SETGID", "--cap-add", "SETUID",
        "--label", "agent-conductor.instance=test", "--label", $"agent-conductor.job-id={jobId}", "--label", $"agent-conductor.attempt={attempt}",
        "--label", "agent-conductor.kind=ticket", "--label", "agent-conductor.subject=PAY-1",
        "--env", "CONDUCTOR_URL", "--env", "JOB_ID", "--env", "JOB_TOKEN", "worker:test",
    ];

    private DockerLauncher NewLauncher(Action<DockerLauncherOptions>? configure = null)
    {
        var options = new DockerLauncherOptions { Image = "worker:test", Instance = "test", DockerCommand = _docker.Command };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new DockerLauncher(new DockerCli(wrapped, TimeProvider.System), wrapped, TimeProvider.System, _log);
    }
}
