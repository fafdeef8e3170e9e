using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Local;
using AgentConductor.Conductor.Routing;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

/// <summary>
/// Settings that are valid but leave the conductor unable to run any job, said when it starts rather than when the
/// first job fails: no route at all, and a local launcher whose default worker command finds no worker. Also a secret on
/// the local worker's command line, which every local user can read (the agents among them).
/// </summary>
internal sealed partial class StartupWarnings(IServiceProvider services, ILogger<StartupWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var routing = services.GetRequiredService<IOptions<RoutingOptions>>().Value;
        if (routing.Default is null && routing.Routes.Count == 0)
        {
            Log.NoRoute(logger);
        }

        if (services.GetRequiredService<ILauncher>() is LocalProcessLauncher)
        {
            var local = services.GetRequiredService<IOptions<LocalLauncherOptions>>().Value;
            if (local.ResolveCommand() is null)
            {
                Log.NoWorker(logger, local.MissingWorker());
            }

            foreach (var (index, name) in local.SecretsOnTheCommandLine())
            {
                Log.SecretOnCommandLine(logger, index, name);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, EventName = "NoRouteConfigured", Level = LogLevel.Warning,
            Message = "No route is configured (neither Routing:Default nor Routing:Routes): every job will fail with \"no route\" until one is")]
        public static partial void NoRoute(ILogger logger);

        [LoggerMessage(EventId = 102, EventName = "NoWorkerProgram", Level = LogLevel.Warning, Message = "Local workers cannot start: {Reason}")]
        public static partial void NoWorker(ILogger logger, string reason);

        [LoggerMessage(EventId = 103, EventName = "SecretOnWorkerCommandLine", Level = LogLevel.Warning,
            Message = "LocalLauncher:WorkerCommand:{Index} puts {Name} on every local worker's command line, which every user of this machine can read, the agents among them: give it to the workers through the environment (LocalLauncher:PassEnvironment) instead")]
        public static partial void SecretOnCommandLine(ILogger logger, int index, string name);
    }
}
