using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
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

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>());

        services.TryAddSingleton(sp => ConductorDatabase.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => new Scheduler(
            sp.GetRequiredService<ConductorDatabase>(),
            sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value));
        services.AddHostedService<StorageStartup>();

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton<StatusQueries>();

        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ShutdownGate>();
        services.AddHostedService<ShutdownGateService>();
        return builder;
    }
}
