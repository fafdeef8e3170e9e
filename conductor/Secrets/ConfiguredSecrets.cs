namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// The secrets in the conductor's own settings and environment: the API key, the worker listener's certificate password,
/// the GitHub webhook secret, the Jira API token and the notification webhooks' signing secrets (<see cref="Settings"/>,
/// <see cref="WebhookSecrets"/>), the GitHub App's private key (the PEM file's text), the variables the launchers hand on
/// to workers (<c>DockerLauncher:PassEnvironment</c>, <c>LocalLauncher:PassEnvironment</c>) and the usual credential
/// variables (<see cref="WellKnownVariables"/>). Read from configuration, not from validated options, so masking never
/// pre-empts the startup report of invalid settings. A setting that is absent is simply not there to mask.
/// </summary>
internal sealed class ConfiguredSecrets(IConfiguration configuration) : ISecretSource
{
    public static IReadOnlyList<string> WellKnownVariables { get; } =
        ["GITHUB_TOKEN", "GH_TOKEN", "CODEX_API_KEY", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    public static IReadOnlyList<string> Settings { get; } = ["Api:Key", "WorkerApi:CertificatePassword", "GitHub:WebhookSecret", "Jira:ApiToken"];

    /// <summary>A list section whose entries each carry a <c>Secret</c>.</summary>
    public const string WebhookSecrets = "Notify:Webhooks";

    public static IReadOnlyList<string> PassEnvironmentSettings { get; } = ["DockerLauncher:PassEnvironment", "LocalLauncher:PassEnvironment"];

    public IEnumerable<string?> Values()
    {
        foreach (var key in Settings)
        {
            yield return configuration[key];
        }

        foreach (var webhook in configuration.GetSection(WebhookSecrets).GetChildren())
        {
            yield return webhook["Secret"];
        }

        yield return PrivateKeyText(configuration["GitHub:AppPrivateKeyPath"]);
        var variables = PassEnvironmentSettings
            .SelectMany(section => configuration.GetSection(section).GetChildren().Select(c => c.Value))
            .Concat(WellKnownVariables);
        foreach (var name in variables.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal))
        {
            yield return Environment.GetEnvironmentVariable(name!);
        }
    }

    /// <summary>The key file's text; a missing or unreadable file is the settings validator's to report, not this.</summary>
    private static string? PrivateKeyText(string? path)
    {
        try
        {
            return string.IsNullOrWhiteSpace(path) || !File.Exists(path) ? null : File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
