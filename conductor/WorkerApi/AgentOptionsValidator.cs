using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Agent:IdleTimeout must be positive (got {options.IdleTimeout}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Agent:Timeout must be positive (got {options.Timeout}).");
        }
        else if (options.IdleTimeout > options.Timeout)
        {
            errors.Add($"Agent:IdleTimeout ({options.IdleTimeout}) must not exceed Agent:Timeout ({options.Timeout}).");
        }

        if (!string.IsNullOrWhiteSpace(options.ModelBaseUrl)
            && !(Uri.TryCreate(options.ModelBaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add($"Agent:ModelBaseUrl must be an absolute http:// or https:// URL (got '{options.ModelBaseUrl}').");
        }

        foreach (var key in options.ExtraConfig.Keys.Where(k => string.IsNullOrWhiteSpace(k) || k.Contains('=', StringComparison.Ordinal)))
        {
            errors.Add($"Agent:ExtraConfig has an invalid key '{key}' (must be non-empty, without '=').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
