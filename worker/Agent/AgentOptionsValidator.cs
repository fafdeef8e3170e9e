using AgentConductor.Worker.Processes;
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

        if (!string.IsNullOrWhiteSpace(options.RunAs) && ProcessUser.Parse(options.RunAs) is null)
        {
            errors.Add($"Agent:RunAs must be uid or uid:gid, numbers (got '{options.RunAs}'); leave it empty to run the agent as the worker.");
        }
        else if (ProcessUser.Parse(options.RunAs ?? "") is { Uid: 0 } or { Gid: 0 })
        {
            errors.Add($"Agent:RunAs must not be root (got '{options.RunAs}'): the agent runs as an unprivileged user.");
        }

        foreach (var variable in options.Environment.Keys.Where(AgentEnvironment.IsForbidden))
        {
            errors.Add($"Agent:Environment must not set {variable}: the agent never gets the worker's secrets or the conductor's address.");
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
