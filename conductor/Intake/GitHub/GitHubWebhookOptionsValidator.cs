using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Intake.GitHub;

internal sealed class GitHubWebhookOptionsValidator : IValidateOptions<GitHubWebhookOptions>
{
    public const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, GitHubWebhookOptions options) =>
        options.WebhookSecret is { } secret && (string.IsNullOrWhiteSpace(secret) || secret.Length < MinSecretLength)
            ? ValidateOptionsResult.Fail($"GitHub:WebhookSecret must be at least {MinSecretLength} characters (or absent, which rejects every delivery); use the webhook's secret.")
            : ValidateOptionsResult.Success;
}
