using System.Net;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>
/// scripts/deploy-conductor.sh against real conductor processes (the container commands are a stand-in that runs the
/// conductor binary): drains that finish, a drain that times out and rolls back, reruns, an unhealthy image, stop and start.
/// </summary>
public sealed class DeployConductorTests
{
    [Fact]
    public async Task Deploy_WhileAJobRuns_WaitsForItToFinishThenStartsTheNewTag()
    {
        // The agent's first command takes 5 s: the job is still running when the deploy starts.
        await using var model = await ScriptedModelServer.StartAsync(
            ModelScript.Of(ModelStep.Shell("sleep 5"), ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed.")),
            "sk-e2e-deploy-model-key-0123456789",
            cancellationToken: TestContext.Current.CancellationToken);
        using var rig = new DeployRig(model: model);
        await DeployAsync(rig, "v1");
        var v1 = rig.Running!.Value.Pid;
        Assert.Equal(HttpStatusCode.Accepted, await rig.PostTicketAsync("PAY-1"));
        await rig.WaitForJobStateAsync("PAY-1", "running");

        var deploy = await rig.DeployAsync("--tag", "v2");

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("draining: 1 active job(s)", deploy.Stdout, StringComparison.Ordinal);
        Assert.Equal("succeeded", await rig.JobStateAsync("PAY-1"));
        model.AssertNoFailures();
        Assert.Equal(0, await rig.ExitCodeAsync("v1"));
        Assert.Equal("v2", rig.Running?.Tag);
        Assert.NotEqual(v1, rig.Running?.Pid);
        Assert.Equal("false", rig.Flag);
        Assert.False(File.Exists(rig.ReadyPath));
        Assert.Equal("Open", (await rig.StatusAsync()).GetProperty("gate").GetString());
        Assert.Equal(["fetch v1", "start v1", "fetch v2", "start v2"], rig.Actions);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ deploy: ", deploy.Stdout);
    }

    [Fact]
    public async Task Deploy_DrainExceedsItsTimeout_WritesFalseBackAndTheOldConductorResumes()
    {
        // A worker that never reports: its job stays active.
        using var rig = new DeployRig(["--LocalLauncher:WorkerCommand:0=sleep", "--LocalLauncher:WorkerCommand:1=300"]);
        await DeployAsync(rig, "v1");
        var v1 = rig.Running!.Value.Pid;
        Assert.Equal(HttpStatusCode.Accepted, await rig.PostTicketAsync("PAY-1"));
        await rig.WaitForJobStateAsync("PAY-1", "launched");

        var deploy = await rig.DeployAsync("--tag", "v2", "--drain-timeout", "2");

        Assert.True(deploy.ExitCode == 3, deploy.ToString());
        Assert.Contains("did not drain within 2s (1 active job(s)); wrote false back and it resumed work", deploy.Stderr, StringComparison.Ordinal);
        Assert.Equal(("v1", v1), rig.Running);
        Assert.Equal("false", rig.Flag);
        Assert.False(File.Exists(rig.ReadyPath));
        var status = await rig.StatusAsync();
        Assert.Equal("Open", status.GetProperty("gate").GetString());
        Assert.Equal(1, status.GetProperty("activeJobs").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, await rig.PostTicketAsync("PAY-2"));
        Assert.DoesNotContain("start v2", rig.Actions);
    }

    [Fact]
    public async Task Deploy_InterruptedWhileDraining_WritesFalseBackAndTheOldConductorResumes()
    {
        using var rig = new DeployRig(["--LocalLauncher:WorkerCommand:0=sleep", "--LocalLauncher:WorkerCommand:1=300"]);
        await DeployAsync(rig, "v1");
        var v1 = rig.Running!.Value.Pid;
        Assert.Equal(HttpStatusCode.Accepted, await rig.PostTicketAsync("PAY-1"));
        await rig.WaitForJobStateAsync("PAY-1", "launched");

        var deploy = await rig.DeployAsync(["--tag", "v2", "--drain-timeout", "120"], async pid =>
        {
            await Eventually.ValueAsync(async () => (await TryStatusAsync(rig))?.GetProperty("gate").GetString() == "Draining" ? (bool?)true : null, TestContext.Current.CancellationToken);
            using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        });

        Assert.True(deploy.ExitCode == 130, deploy.ToString());
        Assert.Contains("interrupted: writing false back", deploy.Stdout, StringComparison.Ordinal);
        Assert.Equal(("v1", v1), rig.Running);
        Assert.Equal("false", rig.Flag);
        await Eventually.ValueAsync(async () => (await TryStatusAsync(rig))?.GetProperty("gate").GetString() == "Open" ? (bool?)true : null, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("start v2", rig.Actions);
    }

    [Fact]
    public async Task Deploy_TagAlreadyRunning_OnlyChecksIt()
    {
        using var rig = new DeployRig();
        await DeployAsync(rig, "v1");
        var v1 = rig.Running!.Value.Pid;

        var again = await rig.DeployAsync("--tag", "v1");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already running", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(("v1", v1), rig.Running);
        Assert.Equal(["fetch v1", "start v1", "fetch v1"], rig.Actions);
        Assert.Equal("false", rig.Flag);
    }

    [Fact]
    public async Task Deploy_AfterARunInterruptedOnceTheNewConductorStarted_ReleasesItAndRemovesTheStaleReadyFile()
    {
        using var rig = new DeployRig();
        await DeployAsync(rig, "v1");
        // The interrupted run: it drained v1 (which wrote the ready file and exited) and started v2, held by the flag.
        File.WriteAllText(rig.FlagPath, "true\n");
        Assert.Equal(0, await rig.ExitCodeAsync("v1"));
        Assert.True(File.Exists(rig.ReadyPath));
        await rig.ControlAsync("start", "v2");
        var v2 = rig.Running!.Value.Pid;

        var rerun = await rig.DeployAsync("--tag", "v2");

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(("v2", v2), rig.Running);
        Assert.Equal("false", rig.Flag);
        Assert.False(File.Exists(rig.ReadyPath));
        Assert.Equal("Open", (await rig.StatusAsync()).GetProperty("gate").GetString());
    }

    [Fact]
    public async Task Deploy_OldConductorHeldByARunInterruptedBeforeItsRelease_ResetsTheFlagThenDrainsIt()
    {
        using var rig = new DeployRig();
        // The interrupted run started v1 with the flag true and never wrote false: v1 holds work and would never exit on it.
        File.WriteAllText(rig.FlagPath, "true\n");
        await rig.ControlAsync("start", "v1");
        await Eventually.ValueAsync(async () => (await TryStatusAsync(rig))?.GetProperty("gate").GetString() == "HeldAtStartup" ? (bool?)true : null, TestContext.Current.CancellationToken);

        var deploy = await rig.DeployAsync("--tag", "v2", "--drain-timeout", "60");

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("the flag already reads true", deploy.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await rig.ExitCodeAsync("v1"));
        Assert.Equal("v2", rig.Running?.Tag);
        Assert.Equal("false", rig.Flag);
    }

    [Fact]
    public async Task Deploy_NewTagNeverHealthy_GoesBackToThePreviousTag()
    {
        using var rig = new DeployRig();
        await DeployAsync(rig, "v1");
        var first = rig.Running!.Value.Pid;

        // The same timeout bounds the previous conductor's restart after the rollback: 5 s (whole seconds, so 4 to 5)
        // was too little for a .NET process to start on a loaded machine.
        var deploy = await rig.DeployAsync("--tag", "broken-v2", "--health-timeout", "15");

        Assert.True(deploy.ExitCode == 4, deploy.ToString());
        Assert.Contains("did not become healthy", deploy.Stderr, StringComparison.Ordinal);
        Assert.Contains("the previous v1 runs again", deploy.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, await rig.ExitCodeAsync("broken-v2"));
        Assert.Equal("v1", rig.Running?.Tag);
        Assert.NotEqual(first, rig.Running?.Pid);
        Assert.Equal(["fetch v1", "start v1", "fetch broken-v2", "start broken-v2", "stop", "start v1"], rig.Actions);
        Assert.Equal("false", rig.Flag);
        Assert.Equal("Open", (await rig.StatusAsync()).GetProperty("gate").GetString());
    }

    [Fact]
    public async Task Deploy_ImageCannotBeFetched_ChangesNothing()
    {
        using var rig = new DeployRig();
        await DeployAsync(rig, "v1");
        var v1 = rig.Running!.Value.Pid;

        var deploy = await rig.DeployAsync("--tag", "missing-v2");

        Assert.True(deploy.ExitCode == 5, deploy.ToString());
        Assert.Contains("fetch missing-v2' failed", deploy.Stderr, StringComparison.Ordinal);
        Assert.Equal(("v1", v1), rig.Running);
        Assert.Equal("false", rig.Flag);
    }

    [Theory]
    [InlineData("--tag", "v1;reboot")]
    [InlineData("--tag", "")]
    [InlineData("--tag", "v1", "--drain-timeout", "soon")]
    [InlineData("--bogus")]
    public async Task Deploy_BadArguments_ExitTwoWithoutTouchingAnything(params string[] arguments)
    {
        using var rig = new DeployRig();

        var deploy = await rig.DeployAsync(arguments);

        Assert.True(deploy.ExitCode == 2, deploy.ToString());
        Assert.False(File.Exists(Path.Combine(rig.StandInFolder, "calls")));
        Assert.Null(rig.Flag);
    }

    [Fact]
    public async Task StopThenStart_DrainsAndStaysDownThenComesBackOpen()
    {
        using var rig = new DeployRig();
        await DeployAsync(rig, "v1");

        var stop = await rig.DeployAsync("--stop");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal(0, await rig.ExitCodeAsync("v1"));
        Assert.Null(rig.Running);
        Assert.Equal("true", rig.Flag);

        var start = await rig.DeployAsync("--start");

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("v1", rig.Running?.Tag);
        Assert.Equal("false", rig.Flag);
        Assert.False(File.Exists(rig.ReadyPath));
        Assert.Equal("Open", (await rig.StatusAsync()).GetProperty("gate").GetString());
    }

    /// <summary>The first install: nothing runs, so the tag is started and released.</summary>
    private static async Task DeployAsync(DeployRig rig, string tag)
    {
        var result = await rig.DeployAsync("--tag", tag);
        Assert.True(result.ExitCode == 0, $"{result}\n{rig.ConductorOutput(tag)}");
        Assert.Equal(tag, rig.Running?.Tag);
        Assert.Equal("false", rig.Flag);
    }

    private static async Task<System.Text.Json.JsonElement?> TryStatusAsync(DeployRig rig)
    {
        try
        {
            return await rig.StatusAsync();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
