using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Agent;

/// <summary>Checks <see cref="AgentOptions"/> at startup and lists every problem at once.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (options.Command.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Agent:Command must not contain blank entries; leave it empty for [\"codex\"].");
        }

        if (!string.IsNullOrWhiteSpace(options.ModelBaseUrl) && CodexModelProvider.ParseBaseUrl(options.ModelBaseUrl) is null)
        {
            errors.Add($"Agent:ModelBaseUrl must be an absolute http:// or https:// URL (got '{options.ModelBaseUrl}').");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Agent:IdleTimeout must be positive (got {options.IdleTimeout}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Agent:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.InterruptGrace < TimeSpan.Zero)
        {
            errors.Add($"Agent:InterruptGrace must not be negative (got {options.InterruptGrace}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
