using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Agent;

/// <summary>Registers the process runner, the secret masker and the Codex agent runner.</summary>
internal static class AgentServiceCollectionExtensions
{
    public static IServiceCollection AddAgentRunner(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretMasker, SecretMasker>();
        services.TryAddSingleton<IProcessRunner, ProcessRunner>();
        services.TryAddSingleton<IAgentRunner, CodexAgentRunner>();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        return services;
    }
}
