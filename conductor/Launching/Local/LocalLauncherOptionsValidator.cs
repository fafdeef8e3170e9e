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

        if (string.IsNullOrWhiteSpace(options.LogFolder))
        {
            errors.Add("LocalLauncher:LogFolder must name a folder.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
