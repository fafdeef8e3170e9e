using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Scheduling;

internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new List<string>();
        if (options.ChainWindow <= TimeSpan.Zero)
        {
            errors.Add($"Scheduler:ChainWindow must be positive (got {options.ChainWindow}).");
        }

        if (options.MaxIncidentSpan < options.ChainWindow)
        {
            errors.Add($"Scheduler:MaxIncidentSpan ({options.MaxIncidentSpan}) must be at least Scheduler:ChainWindow ({options.ChainWindow}).");
        }

        foreach (var project in options.AllowedProjects)
        {
            if (string.IsNullOrWhiteSpace(project))
            {
                errors.Add("Scheduler:AllowedProjects must not contain empty entries.");
            }
        }

        if (options.RequiredLabel is { } label && string.IsNullOrWhiteSpace(label))
        {
            errors.Add("Scheduler:RequiredLabel must be a label or absent, not blank.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
