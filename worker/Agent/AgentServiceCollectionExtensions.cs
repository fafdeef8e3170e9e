using AgentConductor.Worker.ModelProxy;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Agent;

/// <summary>Registers the process runner, the secret masker, the agent's account, the model proxy and the Codex agent runner.</summary>
internal static class AgentServiceCollectionExtensions
{
    public static IServiceCollection AddAgentRunner(this IServiceCollection services)
    {
        services.AddAgentAccount();
        services.TryAddSingleton<IModelRequestGate, AdmitEveryModelRequest>();
        services.TryAddSingleton<ModelProxyFactory>();
        services.TryAddSingleton<IAgentRunner, CodexAgentRunner>();
        return services;
    }

    /// <summary>
    /// The pieces every part that runs something for the agent needs: the masker, the worker's secrets, the process runner,
    /// the agent's settings and its account (resolved from <see cref="AgentOptions.RunAs"/>; a problem with it fails the
    /// first resolution, so a composition root that wants to report problems resolves it itself and registers the instance).
    /// </summary>
    public static IServiceCollection AddAgentAccount(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretMasker, SecretMasker>();
        services.TryAddSingleton<WorkerSecrets>();
        services.TryAddSingleton<IProcessRunner, ProcessRunner>();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var account = AgentAccount.Resolve(sp.GetRequiredService<IOptions<AgentOptions>>().Value, out var problems);
            return problems.Count == 0 ? account : throw new InvalidOperationException(string.Join("; ", problems));
        });
        return services;
    }
}
