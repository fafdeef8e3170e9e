using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;

namespace AgentConductor.Conductor.Feed;

/// <summary>The feed's SQS client: the conductor's (AWSSDK.SQS) with the default credential chain and the default AWS settings.</summary>
internal static class FeedSqsClient
{
    /// <summary>Problems with the region and the URLs, all at once; empty when the client can be built.</summary>
    public static List<string> Validate(string? region, string queueUrl, string? serviceUrl)
    {
        var problems = new List<string>();
        var aws = new AwsOptionsValidator().Validate(null, new AwsOptions { Region = region });
        if (aws.Failed)
        {
            problems.AddRange(aws.Failures.Select(f => f.Replace("Aws:Region", "--region", StringComparison.Ordinal)));
        }

        if (!IsHttpUrl(queueUrl))
        {
            problems.Add($"--queue-url must be the queue's http(s) URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not '{queueUrl}'");
        }

        if (serviceUrl is not null && !IsHttpUrl(serviceUrl))
        {
            problems.Add($"--service-url must be an http(s) URL, not '{serviceUrl}'");
        }

        return problems;
    }

    public static SqsClient Create(string? region, string? serviceUrl) =>
        SqsClient.Create(new AwsOptions { Region = region }, new DefaultAwsCredentials(), serviceUrl);

    /// <summary>A send that failed for a reason worth reporting (and, for a webhook, worth Jira's retry), not a bug.</summary>
    public static bool IsSendFailure(Exception ex) =>
        ex is AwsException or AwsCredentialsException or HttpRequestException or IOException or TimeoutException;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
