using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

internal sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "PollInterval", options.PollInterval);
        Positive(errors, "LaunchRetryBase", options.LaunchRetryBase);
        AtLeastOne(errors, "MaxActive", options.MaxActive);
        AtLeastOne(errors, "MaxActivePerAccount", options.MaxActivePerAccount);
        AtLeastOne(errors, "MaxActivePerProject", options.MaxActivePerProject);
        AtLeastOne(errors, "MaxLaunchAttempts", options.MaxLaunchAttempts);
        if (options.LaunchRetryCap < options.LaunchRetryBase)
        {
            errors.Add($"Dispatch:LaunchRetryCap ({options.LaunchRetryCap}) must be at least Dispatch:LaunchRetryBase ({options.LaunchRetryBase}).");
        }

        if (options.ConductorUrl.Length > 0
            && (!Uri.TryCreate(options.ConductorUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Dispatch:ConductorUrl must be an absolute http(s) URL (got '{options.ConductorUrl}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Dispatch:{setting} must be positive (got {value}).");
        }
    }

    private static void AtLeastOne(List<string> errors, string setting, int value)
    {
        if (value < 1)
        {
            errors.Add($"Dispatch:{setting} must be at least 1 (got {value}).");
        }
    }
}
