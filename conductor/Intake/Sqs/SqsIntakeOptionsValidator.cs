using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Intake.Sqs;

internal sealed class SqsIntakeOptionsValidator : IValidateOptions<SqsIntakeOptions>
{
    private static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    public ValidateOptionsResult Validate(string? name, SqsIntakeOptions options)
    {
        var errors = new List<string>();
        if (!IsHttpUrl(options.QueueUrl))
        {
            errors.Add($"Sqs:QueueUrl must be the queue's http(s) URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not '{options.QueueUrl}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) && !IsHttpUrl(options.ServiceUrl))
        {
            errors.Add($"Sqs:ServiceUrl must be an http(s) URL when set, not '{options.ServiceUrl}'.");
        }

        if (options.Pollers is < 1 or > 16)
        {
            errors.Add("Sqs:Pollers must be between 1 and 16.");
        }

        if (options.WaitTimeSeconds is < 0 or > 20)
        {
            errors.Add("Sqs:WaitTimeSeconds must be between 0 and 20 (SQS's longest long poll).");
        }

        if (options.MaxMessages is < 1 or > 10)
        {
            errors.Add("Sqs:MaxMessages must be between 1 and 10 (SQS's largest receive).");
        }

        if (options.VisibilityTimeout is { } visibility && (visibility < TimeSpan.FromSeconds(1) || visibility > MaxVisibility || visibility.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            errors.Add("Sqs:VisibilityTimeout must be whole seconds between 00:00:01 and 12:00:00 when set.");
        }

        if (options.BusyRetryDelay < TimeSpan.Zero || options.BusyRetryDelay > MaxVisibility)
        {
            errors.Add("Sqs:BusyRetryDelay must be between 00:00:00 and 12:00:00.");
        }

        if (options.MaxErrorBackoff < TimeSpan.FromSeconds(1))
        {
            errors.Add("Sqs:MaxErrorBackoff must be at least 00:00:01.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
