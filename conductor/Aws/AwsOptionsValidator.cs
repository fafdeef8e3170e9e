using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Aws;

internal sealed class AwsOptionsValidator : IValidateOptions<AwsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsOptions options)
    {
        var errors = new List<string>();
        var region = options.ResolveRegion();
        if (region is null)
        {
            errors.Add("Aws:Region is not set (nor AWS_REGION / AWS_DEFAULT_REGION); set it to the region of the queue and the cluster, e.g. eu-west-1.");
        }
        else if (!AwsOptions.IsKnownRegion(region))
        {
            errors.Add($"Aws:Region '{region}' is not a known AWS region (e.g. us-east-1, eu-west-1).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            errors.Add("Aws:MaxAttempts must be between 1 and 20.");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(25))
        {
            errors.Add("Aws:RequestTimeout must be at least 00:00:25 (an SQS long poll waits 20 s).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
