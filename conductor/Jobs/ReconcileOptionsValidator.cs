using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

internal sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "PollInterval", options.PollInterval);
        Positive(errors, "HandshakeTimeout", options.HandshakeTimeout);
        Positive(errors, "HeartbeatTimeout", options.HeartbeatTimeout);
        Positive(errors, "JobTimeout", options.JobTimeout);
        if (options.CancelGrace < TimeSpan.Zero)
        {
            errors.Add($"Reconcile:CancelGrace must not be negative (got {options.CancelGrace}).");
        }

        if (options.StopGrace < TimeSpan.Zero)
        {
            errors.Add($"Reconcile:StopGrace must not be negative (got {options.StopGrace}).");
        }

        if (options.MaxAttempts < 1)
        {
            errors.Add($"Reconcile:MaxAttempts must be at least 1 (got {options.MaxAttempts}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Reconcile:{setting} must be positive (got {value}).");
        }
    }
}
