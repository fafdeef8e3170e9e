using System.Diagnostics;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Local;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Launching;

/// <summary>The local launcher against real processes; the stand-in worker is a <c>/bin/sh -c</c> script (tests only).</summary>
public sealed class LocalProcessLauncherTests : IDisposable
{
    private const string Token = "s3cret-token-0123456789abcdef";
    private const string TrapsInterrupts = "trap '' INT TERM; echo ready; while true; do sleep 0.1; done";
    private readonly TempDirectory _directory = new();
    private readonly ListLogger<LocalProcessLauncher> _log = new();

    [Fact]
    public async Task Launch_GivesTheEnvironmentKeepsTheTokenOffTheCommandLineAndLogsOutput()
    {
        var launcher = NewLauncher("echo \"job=$JOB_ID url=$CONDUCTOR_URL token=$JOB_TOKEN\"; echo oops >&2; exec sleep 30");

        var worker = await launcher.LaunchAsync(Request("01job"), CancellationToken.None);
        await WaitForLogAsync("01job", "oops"); // stderr and stdout are copied by separate readers: wait for both lines
        var log = await WaitForLogAsync("01job", "job=01job");

        Assert.Equal("01job", worker.Reference);
        Assert.Contains($"job=01job url=http://127.0.0.1:7000 token={Token}", log, StringComparison.Ordinal);
        var pid = int.Parse(File.ReadAllText(Path.Combine(_directory.Path, "01job", "worker.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(Token, File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal));
        Assert.Equal(WorkerStatus.Running, await launcher.GetStatusAsync(worker.Reference, CancellationToken.None));

        await launcher.StopAsync(worker.Reference, TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task Launch_ConductorsOwnEnvironment_OnlyTheAllowlistAndTheNamesPassedReachTheWorker()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable($"AWS_AC_TEST_{id}", "conductor-aws-canary");
        Environment.SetEnvironmentVariable($"AC_CONDUCTOR_ONLY_{id}", "conductor-only-canary");
        Environment.SetEnvironmentVariable($"Agent__AcTest{id}", "worker-setting");
        Environment.SetEnvironmentVariable($"AC_PASSED_{id}", "passed-by-name");
        var launcher = new LocalProcessLauncher(
            Options.Create(new LocalLauncherOptions { WorkerCommand = ["/bin/sh", "-c", "env; echo done"], LogFolder = _directory.Path, PassEnvironment = [$"AC_PASSED_{id}"] }),
            TimeProvider.System,
            _log);

        await launcher.LaunchAsync(Request("01env"), CancellationToken.None);
        var log = await WaitForLogAsync("01env", "done");

        var names = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToList();
        Assert.Contains($"Agent__AcTest{id}=worker-setting", log, StringComparison.Ordinal);
        Assert.Contains($"AC_PASSED_{id}=passed-by-name", log, StringComparison.Ordinal);
        Assert.Contains($"JOB_TOKEN={Token}", log, StringComparison.Ordinal);
        Assert.DoesNotContain("conductor-aws-canary", log, StringComparison.Ordinal);
        Assert.DoesNotContain("conductor-only-canary", log, StringComparison.Ordinal);
        Assert.All(names, name => Assert.True(
            WorkerEnvironment.Names.Contains(name) || WorkerEnvironment.Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))
                || LaunchRequest.WorkerVariables.Contains(name) || name == $"AC_PASSED_{id}" || name is "PWD" or "SHLVL" or "_",
            $"{name} reached the worker"));
    }

    [Fact]
    public async Task Launch_SameJobTwice_ReplacesTheFirstWorkerWhoseTokenIsRevoked()
    {
        var launcher = NewLauncher("echo started; exec sleep 30");
        await launcher.LaunchAsync(Request("01twice"), CancellationToken.None);
        await WaitForLogAsync("01twice", "started");
        var first = ReadPid("01twice");

        await launcher.LaunchAsync(Request("01twice"), CancellationToken.None);

        var second = ReadPid("01twice");
        Assert.NotEqual(first, second);
        Assert.False(ProcessControl.BelongsTo(first, "01twice"), "the first worker is gone before the second starts");
        await WaitUntilAsync(() => ProcessControl.BelongsTo(second, "01twice")); // its /proc entry can lag under load
        Assert.Equal((2, 1), (_log.Count("WorkerStarted"), _log.Count("WorkerReplaced")));
        Assert.Equal(WorkerStatus.Running, await launcher.GetStatusAsync("01twice", CancellationToken.None));
        await launcher.StopAsync("01twice", TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task GetStatus_WorkerExits_ReportsItsExitCode()
    {
        var launcher = NewLauncher("echo bye; exit 3");

        await launcher.LaunchAsync(Request("01exit"), CancellationToken.None);
        var status = await WaitForStatusAsync(launcher, "01exit", s => s is WorkerStatus.ExitedStatus);

        Assert.Equal(WorkerStatus.Exited(3), status);
        await WaitUntilAsync(() => File.Exists(Path.Combine(_directory.Path, "01exit", "worker.exit"))); // written once the output has drained
        Assert.Equal(WorkerStatus.Exited(3), await NewLauncher("true").GetStatusAsync("01exit", CancellationToken.None));
    }

    [Fact]
    public async Task Launch_ConcurrentWorkers_EachAgentGetsAUidOfItsOwn_AnExitedWorkersUidIsTakenAgain()
    {
        var launcher = PoolLauncher(42_101, "echo \"runs-as=$Agent__RunAs\"; while [ ! -e stop ]; do sleep 0.05; done");

        await launcher.LaunchAsync(Request("01uida"), CancellationToken.None);
        await launcher.LaunchAsync(Request("01uidb"), CancellationToken.None);
        Assert.Contains("runs-as=42101:42101", await WaitForLogAsync("01uida", "runs-as="), StringComparison.Ordinal);
        Assert.Contains("runs-as=42102:42102", await WaitForLogAsync("01uidb", "runs-as="), StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.EventName == "WorkerStarted" && e.Message.Contains("01uidb", StringComparison.Ordinal) && e.Message.Contains("its agent as uid 42102", StringComparison.Ordinal));

        File.WriteAllText(Path.Combine(_directory.Path, "01uida", "stop"), "");
        await WaitForStatusAsync(launcher, "01uida", s => s is WorkerStatus.ExitedStatus);
        await WaitUntilAsync(() => File.Exists(Path.Combine(_directory.Path, "01uida", "worker.exit")));
        await launcher.LaunchAsync(Request("01uidc"), CancellationToken.None);

        Assert.Contains("runs-as=42101:42101", await WaitForLogAsync("01uidc", "runs-as="), StringComparison.Ordinal);
        foreach (var job in (string[])["01uidb", "01uidc"])
        {
            await launcher.StopAsync(job, TimeSpan.FromSeconds(5), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Launch_AUidAProcessOfThisMachineRunsAs_IsSkipped()
    {
        Assert.SkipUnless(Environment.UserName == "root", "starting a process as another uid needs root; CI runs the tests as root");
        using var other = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=42201", "--regid=42201", "--clear-groups", "sleep", "30"]))!;
        await WaitUntilAsync(() => File.ReadLines($"/proc/{other.Id}/status").Any(l => l.StartsWith("Uid:\t42201", StringComparison.Ordinal)));
        var launcher = PoolLauncher(42_201, "echo \"runs-as=$Agent__RunAs\"");

        await launcher.LaunchAsync(Request("01uidbusy"), CancellationToken.None);

        Assert.Contains("runs-as=42202:42202", await WaitForLogAsync("01uidbusy", "runs-as="), StringComparison.Ordinal);
        other.Kill();
    }

    [Fact]
    public async Task Launch_PoolOff_TheWorkerGetsNoAgentUidFromTheLauncher()
    {
        var launcher = PoolLauncher(0, "echo \"runs-as=[$Agent__RunAs]\"");

        await launcher.LaunchAsync(Request("01uidoff"), CancellationToken.None);

        Assert.Contains("runs-as=[]", await WaitForLogAsync("01uidoff", "runs-as="), StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.EventName == "WorkerStarted" && e.Message.Contains("its agent as Agent:RunAs says", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerExits_ItsWorkFolderIsRemovedItsLogAndExitCodeStay_ALinkInItIsNotFollowed()
    {
        // What the agent could leave: a clone, a read-only folder, and links out of the folder to the conductor's files.
        var outside = Path.Combine(_directory.Path, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep.txt"), "the conductor's");
        var launcher = NewLauncher(
            $"mkdir -p work/repo/.git work/locked && echo x > work/repo/.git/config && echo y > work/locked/f && chmod 555 work/locked && " +
            $"ln -s '{outside}' work/dir-link && ln -s '{outside}/keep.txt' work/file-link && echo done");

        await launcher.LaunchAsync(Request("01clean"), CancellationToken.None);
        await WaitForStatusAsync(launcher, "01clean", s => s is WorkerStatus.ExitedStatus);

        var folder = Path.Combine(_directory.Path, "01clean");
        await WaitUntilAsync(() => !Directory.Exists(Path.Combine(folder, "work")));
        Assert.Contains("done", File.ReadAllText(Path.Combine(folder, "worker.log")), StringComparison.Ordinal);
        Assert.Equal("0", File.ReadAllText(Path.Combine(folder, "worker.exit")).Trim());
        Assert.Equal("the conductor's", File.ReadAllText(Path.Combine(outside, "keep.txt")));
        Assert.DoesNotContain(_log.Entries, e => e.EventName == "WorkerWorkFolderKept");
    }

    [Fact]
    public async Task Relaunch_RightAfterTheWorkerExited_WaitsForItsWorkFolderToGoBeforeTheNewWorkerStarts()
    {
        // The first run leaves many files, so removing them takes a while; the second writes into work/ at once.
        var launcher = NewLauncher(
            "if [ -e first-ran ]; then mkdir -p work/many && echo second > work/many/marker && exec sleep 30; " +
            "else touch first-ran && mkdir -p work/many && cd work/many && seq 1 20000 | xargs touch; fi");
        await launcher.LaunchAsync(Request("01again"), CancellationToken.None);
        await WaitForStatusAsync(launcher, "01again", s => s is WorkerStatus.ExitedStatus);

        await launcher.LaunchAsync(Request("01again"), CancellationToken.None);
        var marker = Path.Combine(_directory.Path, "01again", "work", "many", "marker");
        await WaitUntilAsync(() => File.Exists(marker));
        await Task.Delay(500, TestContext.Current.CancellationToken); // time for a removal still under way to take the new worker's files with it

        Assert.True(File.Exists(marker), "the first worker's removal took the second worker's file");
        Assert.Equal([marker], Directory.GetFiles(Path.GetDirectoryName(marker)!));
        Assert.DoesNotContain(_log.Entries, e => e.EventName == "WorkerWorkFolderKept");
        await launcher.StopAsync("01again", TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task WorkerExits_KeepWorkFolders_TheWorkFolderStays()
    {
        var launcher = new LocalProcessLauncher(
            Options.Create(new LocalLauncherOptions { WorkerCommand = ["/bin/sh", "-c", "mkdir -p work/repo && echo x > work/repo/file"], LogFolder = _directory.Path, KeepWorkFolders = true }),
            TimeProvider.System,
            _log);

        await launcher.LaunchAsync(Request("01keep"), CancellationToken.None);
        await WaitForStatusAsync(launcher, "01keep", s => s is WorkerStatus.ExitedStatus);
        await WaitUntilAsync(() => File.Exists(Path.Combine(_directory.Path, "01keep", "worker.exit")));

        Assert.Equal("x", File.ReadAllText(Path.Combine(_directory.Path, "01keep", "work", "repo", "file")).Trim());
    }

    [Fact]
    public async Task Stop_WorkerThatExitsOnInterrupt_StopsWithoutKill()
    {
        var launcher = NewLauncher("echo ready; exec sleep 30");
        await launcher.LaunchAsync(Request("01int"), CancellationToken.None);
        await WaitForLogAsync("01int", "ready");

        await launcher.StopAsync("01int", TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(1, _log.Count("WorkerStopped"));
        Assert.Equal(0, _log.Count("WorkerKilled"));
        Assert.IsType<WorkerStatus.ExitedStatus>(await launcher.GetStatusAsync("01int", CancellationToken.None));
    }

    [Fact]
    public async Task Stop_WorkerThatTrapsInterrupts_IsKilledAfterTheGrace()
    {
        var launcher = NewLauncher(TrapsInterrupts);
        await launcher.LaunchAsync(Request("01trap"), CancellationToken.None);
        await WaitForLogAsync("01trap", "ready");
        var started = Stopwatch.StartNew();

        await launcher.StopAsync("01trap", TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(450), $"killed after {started.Elapsed}");
        Assert.Equal(1, _log.Count("WorkerKilled"));
        Assert.IsType<WorkerStatus.ExitedStatus>(await launcher.GetStatusAsync("01trap", CancellationToken.None));
    }

    [Fact]
    public async Task NewLauncher_FindsTheRunningWorkerByItsPidFileAndStopsIt()
    {
        await NewLauncher(TrapsInterrupts).LaunchAsync(Request("01adopt"), CancellationToken.None);
        await WaitForLogAsync("01adopt", "ready");
        var pid = ReadPid("01adopt");

        var restarted = NewLauncher(TrapsInterrupts);
        var known = Assert.Single(await restarted.ListAsync(CancellationToken.None));
        Assert.Equal(("01adopt", "01adopt", WorkerStatus.Running), (known.JobId, known.Reference, known.Status));

        await restarted.StopAsync("01adopt", TimeSpan.FromMilliseconds(300), CancellationToken.None);

        await WaitUntilAsync(() => !ProcessControl.BelongsTo(pid, "01adopt"));
        Assert.Equal(1, _log.Count("WorkerKilled"));
        // Gone, or Exited when the first launcher (still alive in this test process) recorded the exit code first.
        Assert.IsNotType<WorkerStatus.RunningStatus>(await restarted.GetStatusAsync("01adopt", CancellationToken.None));
    }

    [Fact]
    public async Task NewLauncher_RelaunchOfAJobWhoseWorkerStillRuns_KillsTheStaleWorkerAfterTheGraceAndStartsANewOne()
    {
        await NewLauncher(TrapsInterrupts).LaunchAsync(Request("01stale"), CancellationToken.None);
        await WaitForLogAsync("01stale", "ready");
        var stale = ReadPid("01stale");

        var restarted = NewLauncher("echo fresh; exec sleep 30"); // a crash while launching: the next conductor relaunches
        await restarted.LaunchAsync(Request("01stale"), CancellationToken.None);

        Assert.False(ProcessControl.BelongsTo(stale, "01stale"));
        Assert.Equal(1, _log.Count("WorkerKilled")); // it ignored the interrupt for LocalProcessLauncher.ReplacedWorkerGrace
        await WaitForLogAsync("01stale", "fresh");
        Assert.NotEqual(stale, ReadPid("01stale"));
        await restarted.StopAsync("01stale", TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task PidFileOfAnotherProcess_IsNeitherTrustedNorSignalled()
    {
        using var stranger = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        Directory.CreateDirectory(Path.Combine(_directory.Path, "01stale"));
        File.WriteAllText(Path.Combine(_directory.Path, "01stale", "worker.pid"), $"{stranger.Id}\n");
        var launcher = NewLauncher("true");

        var status = await launcher.GetStatusAsync("01stale", CancellationToken.None);
        await launcher.StopAsync("01stale", TimeSpan.Zero, CancellationToken.None);

        Assert.IsType<WorkerStatus.GoneStatus>(status);
        Assert.False(stranger.HasExited);
        stranger.Kill();
    }

    [Fact]
    public async Task Launch_WorkerWritesStraightIntoItsLog_NotThroughAPipeTheConductorHolds()
    {
        var launcher = NewLauncher("echo out; echo err >&2; exec sleep 30");
        await launcher.LaunchAsync(Request("01direct"), CancellationToken.None);
        var log = await WaitForLogAsync("01direct", "err");
        var pid = int.Parse(File.ReadAllText(Path.Combine(_directory.Path, "01direct", "worker.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("out\nerr\n", log);
        Assert.Equal(Path.Combine(_directory.Path, "01direct", "worker.log"), new FileInfo($"/proc/{pid}/fd/1").LinkTarget);
        Assert.Equal(Path.Combine(_directory.Path, "01direct", "worker.log"), new FileInfo($"/proc/{pid}/fd/2").LinkTarget);
        await launcher.StopAsync("01direct", TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task Launch_ArgumentsWithShellCharacters_ReachTheWorkerVerbatim()
    {
        const string Tricky = "a; touch pwned $HOME `id` \"q\" 'x'";
        var launcher = new LocalProcessLauncher(
            Options.Create(new LocalLauncherOptions { WorkerCommand = ["echo", Tricky], LogFolder = _directory.Path }), TimeProvider.System, _log);

        await launcher.LaunchAsync(Request("01quote"), CancellationToken.None);

        Assert.Equal(Tricky + "\n", await WaitForLogAsync("01quote", "'x'"));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "01quote", "pwned")));
    }

    [Fact]
    public async Task Launch_MissingProgram_IsANonRetryableFailure()
    {
        var launcher = new LocalProcessLauncher(
            Options.Create(new LocalLauncherOptions { WorkerCommand = ["/nonexistent/worker"], LogFolder = _directory.Path }), TimeProvider.System, _log);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => launcher.LaunchAsync(Request("01missing"), CancellationToken.None));

        Assert.False(failure.Retryable);
        Assert.Contains("LocalLauncher:WorkerCommand", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_DefaultCommandWithoutTheWorkerBuilt_IsANonRetryableFailureNamingWhereItLooked()
    {
        string[] candidates = [Path.Combine(_directory.Path, "beside", "AgentConductor.Worker.dll"), Path.Combine(_directory.Path, "build", "AgentConductor.Worker.dll")];
        var launcher = new LocalProcessLauncher(
            Options.Create(new LocalLauncherOptions { LogFolder = _directory.Path, WorkerCandidates = candidates }), TimeProvider.System, _log);

        var failure = await Assert.ThrowsAsync<LaunchException>(() => launcher.LaunchAsync(Request("01noworker"), CancellationToken.None));

        Assert.False(failure.Retryable);
        Assert.Contains($"AgentConductor.Worker.dll is in none of: {candidates[0]}, {candidates[1]}", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "01noworker", "worker.pid")));
    }

    [Fact]
    public void DefaultCommand_ConductorBuiltTheUsualWay_RunsTheWorkersBuildOutput()
    {
        // The tests build the conductor as dotnet build does: the worker is built with it and its output recorded.
        var command = new LocalLauncherOptions().ResolveCommand();

        Assert.NotNull(command);
        Assert.Equal("dotnet", Path.GetFileName(command[0]));
        Assert.True(File.Exists(command[1]), command[1]);
        Assert.Equal(Path.Combine(RepoPaths.Root, "worker", "bin"), Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(command[1]))));
    }

    [Fact]
    public void DefaultCommand_WorkerBesideTheConductor_IsPreferred()
    {
        var beside = Path.Combine(_directory.Path, "AgentConductor.Worker.dll");
        File.WriteAllText(beside, "");

        var command = new LocalLauncherOptions { WorkerCandidates = [beside, Path.Combine(_directory.Path, "other.dll")] }.ResolveCommand();

        Assert.Equal(beside, command![1]);
    }

    public void Dispose() => _directory.Dispose();

    private static LaunchRequest Request(string jobId) => new(jobId, 0, Token, "http://127.0.0.1:7000", "https://git.example/acme/pay.git", "main");

    private LocalProcessLauncher NewLauncher(string script) =>
        new(Options.Create(new LocalLauncherOptions { WorkerCommand = ["/bin/sh", "-c", script], LogFolder = _directory.Path }), TimeProvider.System, _log);

    private LocalProcessLauncher PoolLauncher(int agentUidBase, string script) =>
        new(Options.Create(new LocalLauncherOptions { WorkerCommand = ["/bin/sh", "-c", script], LogFolder = _directory.Path, AgentUidBase = agentUidBase }), TimeProvider.System, _log);

    private int ReadPid(string jobId) =>
        int.Parse(File.ReadAllText(Path.Combine(_directory.Path, jobId, "worker.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> WaitForLogAsync(string jobId, string text)
    {
        var path = Path.Combine(_directory.Path, jobId, "worker.log");
        var content = "";
        await WaitUntilAsync(() => File.Exists(path) && (content = File.ReadAllText(path)).Contains(text, StringComparison.Ordinal));
        return content;
    }

    private static async Task<WorkerStatus> WaitForStatusAsync(ILauncher launcher, string reference, Func<WorkerStatus, bool> done)
    {
        WorkerStatus status = WorkerStatus.Running;
        await WaitUntilAsync(() => done(status = launcher.GetStatusAsync(reference, CancellationToken.None).Result));
        return status;
    }

    // Real processes run in real time: poll (bounded) for what they do.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the worker process");
            await Task.Delay(20);
        }
    }
}
