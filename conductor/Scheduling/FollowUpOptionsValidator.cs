using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Scheduling;

internal sealed partial class FollowUpOptionsValidator : IValidateOptions<FollowUpOptions>
{
    public static readonly TimeSpan MaxCoalesceWindow = TimeSpan.FromHours(1);
    public const int MaxFollowUps = 100;

    public ValidateOptionsResult Validate(string? name, FollowUpOptions options)
    {
        var errors = new List<string>();
        if (options.Handle is null || !Handle().IsMatch(options.Handle))
        {
            errors.Add($"FollowUps:Handle must be '@' and a GitHub login, like @agent-conductor (got '{options.Handle}').");
        }

        if (options.CoalesceWindow < TimeSpan.Zero || options.CoalesceWindow > MaxCoalesceWindow)
        {
            errors.Add($"FollowUps:CoalesceWindow must be between 00:00:00 and {MaxCoalesceWindow} (got {options.CoalesceWindow}).");
        }

        if (options.MaxPerPullRequest is < 1 or > MaxFollowUps)
        {
            errors.Add($"FollowUps:MaxPerPullRequest must be between 1 and {MaxFollowUps} (got {options.MaxPerPullRequest}).");
        }

        if (options.IgnoredLogins.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("FollowUps:IgnoredLogins must not contain empty entries.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // GitHub logins: letters, digits and single dashes, not starting with a dash, at most 39 characters.
    [GeneratedRegex("^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")]
    private static partial Regex Handle();
}
