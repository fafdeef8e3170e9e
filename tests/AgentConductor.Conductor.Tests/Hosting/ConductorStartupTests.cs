using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Hosting;

/// <summary>The service binary starts with valid settings and refuses, naming the setting, with invalid ones.</summary>
public sealed class ConductorStartupTests
{
    [Theory]
    [InlineData("Scheduler__ChainWindow", "-01:00:00", "Scheduler:ChainWindow must be positive")]
    [InlineData("Scheduler__ChainWindow", "an hour", "Scheduler:ChainWindow")]
    [InlineData("Scheduler__MaxIncidentSpan", "00:10:00", "Scheduler:MaxIncidentSpan")]
    [InlineData("Intake__MaxBodyBytes", "12", "MaxBodyBytes")]
    [InlineData("WorkerApi__Urls", "http://example.com:5081", "WorkerApi:Urls must be one http:// or https:// URL")]
    [InlineData("WorkerApi__Urls", "https://127.0.0.1:0", "WorkerApi:CertificatePath is not set")]
    [InlineData("Agent__IdleTimeout", "02:00:00", "Agent:IdleTimeout (02:00:00) must not exceed Agent:Timeout")]
    [InlineData("Agent__ModelBaseUrl", "127.0.0.1:8080/v1", "Agent:ModelBaseUrl must be an absolute http:// or https:// URL (got '127.0.0.1:8080/v1')")]
    [InlineData("Routing__Default__CloneUrl", "https://user:pw@github.example/a.git", "Routing:Default:CloneUrl must not carry credentials")]
    [InlineData("TaskFiles__TemplateFolder", "/nonexistent-templates", "TaskFiles:TemplateFolder '/nonexistent-templates' has no 'ticket' folder")]
    [InlineData("Dispatch__MaxActive", "0", "Dispatch:MaxActive must be at least 1")]
    [InlineData("Reconcile__HeartbeatTimeout", "00:00:00", "Reconcile:HeartbeatTimeout must be positive")]
    [InlineData("LocalLauncher__LogFolder", " ", "LocalLauncher:LogFolder")]
    [InlineData("Launcher__Kind", "kubernetes", "Launcher:Kind 'kubernetes' is not one of: local, docker, ecs")]
    [InlineData("Launcher__Kind", "docker", "DockerLauncher:Image must name the worker image")]
    [InlineData("Budget__DailyCost", "25", "Budget:DailyCost cannot be enforced: the price table (Prices) is empty")]
    public async Task Run_InvalidSetting_ExitsTwoNamingIt(string variable, string value, string expected)
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0"],
            new Dictionary<string, string> { ["WorkerApi__Urls"] = "http://127.0.0.1:0", [variable] = value, ["Storage__DatabasePath"] = directory.File("c.db") },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DatabaseThatIsNotADatabase_ExitsTwoWithReason()
    {
        using var directory = new TempDirectory();
        var path = directory.File("c.db");
        File.WriteAllText(path, new string('x', 4096));

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = path },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("not a conductor database", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ValidSettings_ServesHealthAndCreatesTheDatabase()
    {
        using var directory = new TempDirectory();
        using var process = ConductorProcess.Start(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = directory.File("data/c.db") },
            directory.Path);
        try
        {
            var address = await ListeningAddress.ReadAsync(process.StandardOutput, TestContext.Current.CancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            Assert.Equal("live", await http.GetStringAsync("/healthz/live", TestContext.Current.CancellationToken));
            Assert.Equal("ready", await http.GetStringAsync("/healthz/ready", TestContext.Current.CancellationToken));
            Assert.True(File.Exists(directory.File("data/c.db")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Run_FlagTurnsTrueWithNoActiveJobs_WritesReadyAndExitsZero()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("IS_CONDUCTOR_SHUTTING_DOWN"), "false\n");
        using var process = ConductorProcess.Start(
            ["run", "--Urls=http://127.0.0.1:0", "--Shutdown:PollInterval=00:00:00.100"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = directory.File("c.db") },
            directory.Path);
        try
        {
            await ListeningAddress.ReadAsync(process.StandardOutput, TestContext.Current.CancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);

            File.WriteAllText(directory.File("IS_CONDUCTOR_SHUTTING_DOWN"), "true\n");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.Equal("true", File.ReadAllText(directory.File("CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")).Trim());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
