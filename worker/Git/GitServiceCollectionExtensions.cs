using AgentConductor.Worker.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>Registers the git workspace (and the masker, secrets, process runner and agent account it needs, if nobody has yet).</summary>
internal static class GitServiceCollectionExtensions
{
    public static IServiceCollection AddGitWorkspace(this IServiceCollection services)
    {
        services.AddAgentAccount();
        services.TryAddSingleton<GitCli>();
        services.TryAddSingleton<IGitWorkspace, GitWorkspace>();
        services.AddOptions<GitOptions>().BindConfiguration(GitOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitOptions>, GitOptionsValidator>());
        return services;
    }
}
