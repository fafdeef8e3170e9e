using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Launching.Local;

internal sealed class LocalLauncherOptionsValidator : IValidateOptions<LocalLauncherOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalLauncherOptions options)
    {
        var errors = new List<string>();
        if (options.WorkerCommand.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("LocalLauncher:WorkerCommand must not contain empty entries (it is an argument array: program first).");
        }

        if (options.PassEnvironment.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("LocalLauncher:PassEnvironment must not contain empty names.");
        }

        if (options.AgentUidBase != 0 && options.AgentUidBase is < 1000 or > 60000)
        {
            errors.Add("LocalLauncher:AgentUidBase must be 0 (no pool) or a uid from 1000 to 60000, above the system's users.");
        }

        if (string.IsNullOrWhiteSpace(options.LogFolder))
        {
            errors.Add("LocalLauncher:LogFolder must name a folder.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
