using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

internal static class NotifyServiceCollectionExtensions
{
    /// <summary>
    /// Notifications: the settings (validated at startup), the destination sync that runs before anything else starts, the
    /// outbox queue the API reads, and (only when a webhook or Jira is configured) the delivery loop.
    /// </summary>
    public static IHostApplicationBuilder AddNotify(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotifyOptions>().BindConfiguration(NotifyOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotifyOptions>, NotifyOptionsValidator>());
        services.AddOptions<JiraOptions>().BindConfiguration(JiraOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JiraOptions>, JiraOptionsValidator>());
        services.TryAddSingleton<NotifyQueue>();
        services.TryAddSingleton<NotifyQueries>();
        services.AddHostedService<NotifyStartup>();

        var configured = builder.Configuration.GetSection($"{NotifyOptions.Section}:{nameof(NotifyOptions.Webhooks)}").GetChildren().Any()
            || !string.IsNullOrWhiteSpace(builder.Configuration[$"{JiraOptions.Section}:{nameof(JiraOptions.SiteUrl)}"]);
        if (!configured)
        {
            return builder;
        }

        services.TryAddSingleton(sp => SecretMask.From(sp.GetRequiredService<IOptions<NotifyOptions>>().Value, sp.GetRequiredService<IOptions<JiraOptions>>().Value));
        services.TryAddSingleton<NotifyHttp>();
        services.TryAddSingleton<Notifiers>();
        services.TryAddSingleton<NotifyDeliverer>();
        services.AddHostedService<NotifyService>();
        return builder;
    }
}
