using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.GitHub;

internal static class GitHubAppServiceCollectionExtensions
{
    /// <summary>
    /// The GitHub App settings (validated at startup, the key read and tried then) and, only when an App is configured,
    /// the token minting that handshakes use. Without one, workers keep their environment's <c>GITHUB_TOKEN</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGitHubApp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GitHubAppOptions>().BindConfiguration(GitHubAppOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubAppOptions>, GitHubAppOptionsValidator>());
        var section = builder.Configuration.GetSection(GitHubAppOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(GitHubAppOptions.AppId)]) && string.IsNullOrWhiteSpace(section[nameof(GitHubAppOptions.AppPrivateKeyPath)]))
        {
            return builder;
        }

        services.TryAddSingleton(sp => new GitHubAppJwt(
            sp.GetRequiredService<IOptions<GitHubAppOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Secrets.SecretRegistry>()));
        services.TryAddSingleton(sp => new GitHubAppClient(
            sp.GetRequiredService<IOptions<GitHubAppOptions>>().Value,
            sp.GetRequiredService<GitHubAppJwt>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GitHubAppHttpHandler>>(),
            backoff: sp.GetRequiredService<Common.Backoff>()));
        services.TryAddSingleton<IInstallationTokens, InstallationTokens>();
        return builder;
    }
}
