using AgentConductor.Conductor.Launching.Local;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Hosting;

/// <summary>What the service says when it starts: every bad setting at once without a stack trace, and what will not work.</summary>
public sealed class StartupMessagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_SeveralBadSettings_NamesEveryOneWithoutAStackTrace()
    {
        using var directory = new TempDirectory();

        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0", "--Scheduler:ChainWindow=an hour", "--Dispatch:MaxActive=many",
             "--Intake:MaxBodyBytes=big", "--Reconcile:HeartbeatTimeout=00:00:00"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = directory.File("c.db") },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.StartsWith("agent-conductor: cannot start: ", stderr, StringComparison.Ordinal);
        Assert.Contains("'an hour' at 'Scheduler:ChainWindow'", stderr, StringComparison.Ordinal);
        Assert.Contains("'many' at 'Dispatch:MaxActive'", stderr, StringComparison.Ordinal);
        Assert.Contains("'big' at 'Intake:MaxBodyBytes'", stderr, StringComparison.Ordinal);
        Assert.Contains("Reconcile:HeartbeatTimeout must be positive", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", stderr + stdout, StringComparison.Ordinal);
        Assert.Equal(4, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Start_NoRouteConfigured_WarnsAtOnce()
    {
        await using var host = await ConductorHost.StartAsync(defaultRoute: false, cancellationToken: Ct);

        Assert.Contains(host.Logs.Entries, e => e.EventName == "NoRouteConfigured");
    }

    [Fact]
    public async Task Start_RouteConfigured_NoWarning()
    {
        await using var host = await ConductorHost.StartAsync(["--Routing:Routes:0:Projects:0=PAY", "--Routing:Routes:0:CloneUrl=https://github.example/acme/pay.git"], defaultRoute: false, cancellationToken: Ct);

        Assert.DoesNotContain(host.Logs.Entries, e => e.EventName is "NoRouteConfigured" or "NoWorkerProgram");
    }

    [Fact]
    public async Task Start_SecretsOnTheLocalWorkersCommandLine_WarnsNamingEachWithoutItsValue()
    {
        const string Token = "ghs_0123456789abcdefghijklmnopqrstuvwxyz";
        await using var host = await ConductorHost.StartAsync(
            [
                "--LocalLauncher:WorkerCommand:0=dotnet",
                "--LocalLauncher:WorkerCommand:1=AgentConductor.Worker.dll",
                $"--LocalLauncher:WorkerCommand:2=--GITHUB_TOKEN={Token}",
                "--LocalLauncher:WorkerCommand:3=--GITHUB_REPOSITORY=acme/app",
                "--LocalLauncher:WorkerCommand:4=--Agent:ModelKey=sk-test-123",
                "--LocalLauncher:WorkerCommand:5=--CODEX_API_KEY=", // empty: nothing to read
                "--LocalLauncher:WorkerCommand:6=--GitHub:AppPrivateKeyPath=/etc/app.pem", // a path, no secret
            ],
            jobsEngine: true, realLauncher: true, cancellationToken: Ct);

        var warnings = host.Logs.Entries.Where(e => e.EventName == "SecretOnWorkerCommandLine").Select(e => e.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, m => m.StartsWith("LocalLauncher:WorkerCommand:2 puts GITHUB_TOKEN on every local worker's command line", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.StartsWith("LocalLauncher:WorkerCommand:4 puts Agent:ModelKey on", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal) || e.Message.Contains("sk-test-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_LocalWorkerCommandWithoutSecrets_NoWarning()
    {
        await using var host = await ConductorHost.StartAsync(jobsEngine: true, realLauncher: true, cancellationToken: Ct);

        Assert.DoesNotContain(host.Logs.Entries, e => e.EventName == "SecretOnWorkerCommandLine");
    }

    [Fact]
    public async Task Start_LocalLauncherWithoutAWorker_WarnsAndTheFirstJobFailsAtOnceWithTheReasonInTheApi()
    {
        using var nowhere = new TempDirectory();
        await using var host = await ConductorHost.StartAsync(
            jobsEngine: true, realLauncher: true,
            services: s => s.PostConfigure<LocalLauncherOptions>(o => o.WorkerCandidates = [nowhere.File("AgentConductor.Worker.dll")]),
            cancellationToken: Ct);

        Assert.Contains(host.Logs.Entries, e => e.EventName == "NoWorkerProgram" && e.Message.Contains(nowhere.File("AgentConductor.Worker.dll"), StringComparison.Ordinal));
        var jobId = await Api.JobDetailTests.PostTicketAsync(host, "PAY-1");
        var reason = await Eventually.ValueAsync(() => host.State(jobId) == "failed" ? host.Scalar("SELECT state_reason FROM jobs WHERE id = @id", ("@id", jobId)) as string : null, Ct);
        Assert.Contains("launch failed: the worker program AgentConductor.Worker.dll is in none of", reason, StringComparison.Ordinal);
        using var view = await Api.JobDetailTests.GetAsync(host, $"/v1/jobs/{jobId}");
        Assert.Equal(reason, view.RootElement.GetProperty("job").GetProperty("stateReason").GetString());
    }
}
