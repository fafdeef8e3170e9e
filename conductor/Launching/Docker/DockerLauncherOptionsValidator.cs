using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Launching.Docker;

internal sealed partial class DockerLauncherOptionsValidator : IValidateOptions<DockerLauncherOptions>
{
    private static readonly string[] PullPolicies = ["missing", "never", "always"];

    public ValidateOptionsResult Validate(string? name, DockerLauncherOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Image) || options.Image.StartsWith('-') || options.Image.Any(char.IsWhiteSpace))
        {
            errors.Add($"DockerLauncher:Image must name the worker image, e.g. agent-conductor/worker:latest (got '{options.Image}').");
        }

        if (string.IsNullOrWhiteSpace(options.DockerCommand))
        {
            errors.Add("DockerLauncher:DockerCommand must name the docker CLI (a program on PATH or a full path).");
        }

        if (options.Cpus <= 0)
        {
            errors.Add($"DockerLauncher:Cpus must be positive (got {options.Cpus}).");
        }

        if (!MemoryPattern().IsMatch(options.Memory ?? ""))
        {
            errors.Add($"DockerLauncher:Memory must be a number with an optional unit b, k, m or g, e.g. 4g (got '{options.Memory}').");
        }

        if (string.IsNullOrWhiteSpace(options.Network) || options.Network.StartsWith('-') || options.Network.Any(char.IsWhiteSpace))
        {
            errors.Add($"DockerLauncher:Network must name a Docker network, e.g. host (got '{options.Network}').");
        }

        if (!PullPolicies.Contains(options.Pull, StringComparer.Ordinal))
        {
            errors.Add($"DockerLauncher:Pull must be one of {string.Join(", ", PullPolicies)} (got '{options.Pull}').");
        }

        if (!NamePattern().IsMatch(options.NamePrefix ?? ""))
        {
            errors.Add($"DockerLauncher:NamePrefix must start with a letter or digit and hold only letters, digits, '_', '.' and '-' (got '{options.NamePrefix}').");
        }

        if (!NamePattern().IsMatch(options.Instance ?? ""))
        {
            errors.Add($"DockerLauncher:Instance must start with a letter or digit and hold only letters, digits, '_', '.' and '-' (got '{options.Instance}').");
        }

        foreach (var entry in options.Environment.Where(e => e?.Contains('=', StringComparison.Ordinal) != true))
        {
            errors.Add($"DockerLauncher:Environment entries are NAME=value (got '{entry}').");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variable, _) in options.EnvironmentVariables())
        {
            CheckVariable(errors, "DockerLauncher:Environment", variable);
            if (!names.Add(variable))
            {
                errors.Add($"DockerLauncher:Environment sets {variable} more than once.");
            }
        }

        foreach (var variable in options.PassEnvironment)
        {
            CheckVariable(errors, "DockerLauncher:PassEnvironment", variable);
            if (!names.Add(variable ?? ""))
            {
                errors.Add($"DockerLauncher:PassEnvironment names {variable} more than once or also in DockerLauncher:Environment; keep one.");
            }
        }

        if (options.ExtraArgs.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("DockerLauncher:ExtraArgs must not contain empty entries (it is an argument array).");
        }

        if (options.CommandTimeout <= TimeSpan.Zero)
        {
            errors.Add($"DockerLauncher:CommandTimeout must be positive (got {options.CommandTimeout}).");
        }

        if (options.KeepExited <= TimeSpan.Zero)
        {
            errors.Add($"DockerLauncher:KeepExited must be positive (got {options.KeepExited}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckVariable(List<string> errors, string setting, string? variable)
    {
        if (variable is null || !VariablePattern().IsMatch(variable))
        {
            errors.Add($"{setting} holds '{variable}', which is not an environment variable name.");
        }
        else if (LaunchRequest.WorkerVariables.Contains(variable, StringComparer.Ordinal))
        {
            errors.Add($"{setting} must not set {variable}: the launcher sets it for each job.");
        }
    }

    [GeneratedRegex("^[0-9]+[bkmgBKMG]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariablePattern();
}
