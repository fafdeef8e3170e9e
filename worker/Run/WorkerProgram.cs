using System.Diagnostics;
using System.Runtime.InteropServices;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.ModelProxy;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Run;

/// <summary>
/// Composes the worker from its settings and runs one job. Every secret is registered with the masker before the
/// first log line. SIGINT/SIGTERM cancel the job (the agent is interrupted, work is pushed, <c>cancelled</c> reported).
/// </summary>
internal static class WorkerProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = WorkerSettings.Load(builder.Configuration, out var problems);
        var masker = new SecretMasker();
        var secrets = new WorkerSecrets(masker) { JobToken = settings.JobToken, GitHubToken = settings.GitHubToken, ModelKey = settings.CodexApiKey };
        var gitHub = new GitHubOptions { ApiBaseUrl = settings.GitHubApiUrl ?? new GitHubOptions().ApiBaseUrl };
        var account = AgentAccount.Resolve(new AgentOptions { RunAs = builder.Configuration["Agent:RunAs"] ?? new AgentOptions().RunAs }, out var accountProblems);
        var telemetrySettings = WorkerTelemetrySettings.Load(builder.Configuration, out var telemetryProblems);
        foreach (var value in telemetrySettings.HeaderValues)
        {
            masker.AddValue(value);
        }

        problems = [.. problems, .. gitHub.Validate(), .. accountProblems, .. telemetryProblems];
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("agent-conductor worker: invalid settings:\n  " + string.Join("\n  ", problems));
            return WorkerExitCodes.InvalidConfiguration;
        }

        // Whatever the agent leaves running when it exits is re-parented here, where the job can find and stop it.
        NativeMethods.BecomeSubreaper();
        builder.Logging.ClearProviders().AddProvider(new MaskingConsoleLoggerProvider(masker, TimeProvider.System, LogLevel.Information));
        using var telemetry = WorkerTelemetry.Start(telemetrySettings, settings.JobId);
        Compose(builder.Services, settings, gitHub, new JobSafety(masker, secrets, account), telemetry.PropagatedTraceParent);
        using var host = builder.Build();
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        Activity? span = null;
        try
        {
            _ = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<GitOptions>>().Value;
            span = telemetry.StartJob(settings.JobId);
            var exitCode = await host.Services.GetRequiredService<JobRun>().RunAsync(stop.Token);
            WorkerTelemetry.Ended(span, exitCode);
            return exitCode;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("agent-conductor worker: invalid settings:\n  " + string.Join("\n  ", ex.Failures));
            return WorkerExitCodes.InvalidConfiguration;
        }
        catch (Exception ex)
        {
            WorkerTelemetry.Ended(span, WorkerExitCodes.Crashed);
            await Console.Error.WriteLineAsync(masker.Mask($"agent-conductor worker: crashed: {ex}"));
            return WorkerExitCodes.Crashed;
        }
        finally
        {
            span?.Dispose();
        }
    }

    private static void Compose(IServiceCollection services, WorkerSettings settings, GitHubOptions gitHub, JobSafety safety, string? traceParent)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(safety.Masker);
        services.AddSingleton(safety.Secrets);
        services.AddSingleton(safety.Account);
        services.AddSingleton(safety);
        services.AddSingleton(settings);
        // One process, one job: the model proxy's gate is the job's budget, armed by JobRun after the handshake.
        services.AddSingleton<JobBudgetGate>();
        services.AddSingleton<IModelRequestGate>(sp => sp.GetRequiredService<JobBudgetGate>());
        services.AddAgentRunner();
        services.AddGitWorkspace();
        services.AddSingleton<IConductorClient>(sp => new ConductorClient(
            new ConductorConnection(settings.ConductorUrl, settings.JobId, safety.Secrets.JobToken ?? settings.JobToken) { TraceParent = traceParent },
            new ConductorRetryOptions(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConductorClient>>()));

        // The environment's GITHUB_TOKEN until the handshake brings the conductor's installation token; with neither
        // (local mode) the pushed branch on the remote is the result.
        services.AddSingleton(new GitHubCredential(safety.Secrets));
        services.AddSingleton<IGitHubClient>(sp => new OctokitGitHubClient(
            gitHub,
            sp.GetRequiredService<GitHubCredential>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ISecretMasker>(),
            sp.GetRequiredService<ILogger<GitHubHttpHandler>>()));
        services.AddSingleton(sp => new PullRequestPublisher(
            sp.GetRequiredService<IGitHubClient>(), sp.GetRequiredService<ILogger<PullRequestPublisher>>()));
        services.AddSingleton(sp => new FollowUps.FollowUpSupport(
            new Sessions.SessionPacker(sp.GetRequiredService<IProcessRunner>(), safety.Account, safety.Masker),
            new FollowUps.FollowUpReplier(sp.GetRequiredService<IGitHubClient>(), safety.Masker, sp.GetRequiredService<ILogger<FollowUps.FollowUpReplier>>())));
        services.AddSingleton(sp => new JobRun(
            settings,
            sp.GetRequiredService<IConductorClient>(),
            sp.GetRequiredService<IGitWorkspace>(),
            sp.GetRequiredService<IAgentRunner>(),
            sp.GetService<PullRequestPublisher>(),
            safety,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JobRun>>(),
            sp.GetRequiredService<GitHubCredential>(),
            sp.GetRequiredService<JobBudgetGate>(),
            sp.GetRequiredService<FollowUps.FollowUpSupport>()));
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true; // finish the job's shutdown (push, report) instead of dying on the spot
        stop.Cancel();
    }
}
