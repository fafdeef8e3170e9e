using AgentConductor.Common;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.GitHub;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Docker;
using AgentConductor.Conductor.Launching.Local;
using AgentConductor.Conductor.Notify;
using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Conductor.Telemetry;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

internal static class ConductorHostExtensions
{
    /// <summary>Registers everything the conductor service needs; options are validated when the host starts.</summary>
    public static IHostApplicationBuilder AddConductor(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Backoff.Random);
        builder.AddSecrets();

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>());

        services.AddFollowUps();

        services.TryAddSingleton(sp => ConductorDatabase.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => new Scheduler(
            sp.GetRequiredService<ConductorDatabase>(),
            sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value,
            sp.GetRequiredService<FollowUpSettings>()));
        services.AddHostedService<StorageStartup>();
        services.AddHostedService<StartupWarnings>();

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton<StatusQueries>();
        services.TryAddSingleton<LineageQueries>();

        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ShutdownGate>();
        services.AddHostedService<ShutdownGateService>();

        AddWorkerApi(services);
        services.AddCosts();
        builder.AddGitHubApp();
        builder.AddJobsEngine();
        builder.AddSqsIntake();
        builder.AddArchive();
        builder.AddNotify();
        builder.AddConductorTelemetry();
        return builder;
    }

    /// <summary>The worker protocol: job tokens, routing, task files and the gRPC service.</summary>
    private static void AddWorkerApi(IServiceCollection services)
    {
        AddValidated<WorkerApiOptions, WorkerApiOptionsValidator>(services, WorkerApiOptions.Section);
        AddValidated<AgentOptions, AgentOptionsValidator>(services, AgentOptions.Section);
        AddValidated<RoutingOptions, RoutingOptionsValidator>(services, RoutingOptions.Section);
        AddValidated<TaskFileOptions, TaskFileOptionsValidator>(services, TaskFileOptions.Section);

        services.AddGrpc(grpc =>
        {
            // worker.proto's messages are small (task files travel in 64 KiB chunks); a bigger one is RESOURCE_EXHAUSTED.
            grpc.MaxReceiveMessageSize = WorkerApiOptions.MaxMessageBytes;
            grpc.MaxSendMessageSize = WorkerApiOptions.MaxMessageBytes;
        });
        services.TryAddSingleton<JobTokens>();
        services.TryAddSingleton<IJobTokenIssuer>(sp => sp.GetRequiredService<JobTokens>());
        services.TryAddSingleton<RouteTable>();
        services.TryAddSingleton<IJobRouter, ConfiguredJobRouter>();
        services.TryAddSingleton<IWorkerCallbackAddress, WorkerCallbackAddress>();
        services.TryAddSingleton<TaskFileAssembler>();
        services.TryAddSingleton<HandshakeGitHubToken>();
        services.TryAddSingleton<GroupCommitWriter>();
        services.TryAddSingleton<WorkerJobStore>();
        services.TryAddSingleton<WorkerAuthenticator>();
        services.TryAddSingleton<WorkerListener>();
        services.TryAddSingleton<WorkerService>();
        services.TryAddSingleton<TaskFileStreamer>();
        services.TryAddSingleton<ProgressReceiver>();
        services.TryAddSingleton<FollowUpHandshake>();
        services.TryAddSingleton<Sessions.SessionStore>();
        services.TryAddSingleton<Sessions.SessionReceiver>();
        services.TryAddSingleton<HeartbeatBoard>();
        services.TryAddSingleton<HeartbeatFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<HeartbeatFlusher>());
    }

    /// <summary>What every AWS-backed part (SQS intake, ECS launcher) shares; called only when one of them is configured.</summary>
    internal static void AddAws(IServiceCollection services)
    {
        AddValidated<AwsOptions, AwsOptionsValidator>(services, AwsOptions.Section);
        services.TryAddSingleton<IAwsCredentials, DefaultAwsCredentials>();
        services.TryAddSingleton<AwsClients>();
    }

    private static void AddValidated<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    /// <summary>
    /// The launcher <c>Launcher:Kind</c> names. Only that launcher's settings are bound and validated, so a local run
    /// needs no Docker or AWS settings; an unknown kind stops the service at startup.
    /// </summary>
    private static void AddLauncher(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var kind = builder.Configuration[$"{LauncherOptions.Section}:Kind"] ?? LauncherOptions.Local;
        switch (kind)
        {
            case LauncherOptions.Local:
                AddValidated<LocalLauncherOptions, LocalLauncherOptionsValidator>(services, LocalLauncherOptions.Section);
                services.TryAddSingleton<ILauncher, LocalProcessLauncher>();
                break;
            case LauncherOptions.Docker:
                AddValidated<DockerLauncherOptions, DockerLauncherOptionsValidator>(services, DockerLauncherOptions.Section);
                services.TryAddSingleton<DockerCli>();
                services.TryAddSingleton<ILauncher, DockerLauncher>();
                break;
            case LauncherOptions.Ecs:
                AddEcsLauncher(services);
                break;
            default:
                throw new ConfigurationInvalidException([$"Launcher:Kind '{kind}' is not one of: {string.Join(", ", LauncherOptions.Kinds)}."]);
        }
    }

    /// <summary>Workers as ECS tasks: the launcher's settings, the AWS client, and a callback address tasks can reach.</summary>
    private static void AddEcsLauncher(IServiceCollection services)
    {
        AddAws(services);
        AddValidated<EcsLauncherOptions, EcsLauncherOptionsValidator>(services, EcsLauncherOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DispatchOptions>, EcsDispatchOptionsValidator>());
        services.TryAddSingleton(sp => new EcsClient(
            sp.GetRequiredService<AwsClients>().For(AwsService.Ecs, sp.GetRequiredService<IOptions<EcsLauncherOptions>>().Value.ServiceUrl)));
        services.TryAddSingleton<ILauncher, EcsLauncher>();
    }

    /// <summary>
    /// The dispatcher, the reconciler and the launcher. <see cref="IJobRouter"/> and <see cref="IJobTokenIssuer"/>
    /// come from the routing settings and the worker protocol (<see cref="AddWorkerApi"/>).
    /// </summary>
    private static void AddJobsEngine(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DispatchOptions>, DispatchOptionsValidator>());
        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>());
        AddLauncher(builder);
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<DispatchSignal>();
        services.TryAddSingleton<Dispatcher>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<JobCanceller>();
        services.AddHostedService<DispatcherService>();
        services.AddHostedService<ReconcilerService>();
    }
}
