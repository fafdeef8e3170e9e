using AgentConductor.Conductor.Intake.GitHub;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Scheduling;

internal static class FollowUpRegistration
{
    /// <summary>The GitHub webhook's secret and the follow-up rules' settings, validated at startup.</summary>
    public static IServiceCollection AddFollowUps(this IServiceCollection services)
    {
        services.AddOptions<GitHubWebhookOptions>().BindConfiguration(GitHubWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubWebhookOptions>, GitHubWebhookOptionsValidator>());
        services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FollowUpOptions>, FollowUpOptionsValidator>());
        services.TryAddSingleton(sp => new FollowUpSettings(
            sp.GetRequiredService<IOptions<FollowUpOptions>>().Value, sp.GetRequiredService<IOptions<GitHubWebhookOptions>>().Value.WebhookSecret));
        return services;
    }
}
