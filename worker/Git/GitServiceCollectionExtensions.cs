using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>Registers the git workspace (and the process runner and secret masker it needs, if nobody has yet).</summary>
internal static class GitServiceCollectionExtensions
{
    public static IServiceCollection AddGitWorkspace(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretMasker, SecretMasker>();
        services.TryAddSingleton<IProcessRunner, ProcessRunner>();
        services.TryAddSingleton<GitCli>();
        services.TryAddSingleton<IGitWorkspace, GitWorkspace>();
        services.AddOptions<GitOptions>().BindConfiguration(GitOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitOptions>, GitOptionsValidator>());
        return services;
    }
}
