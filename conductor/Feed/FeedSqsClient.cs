using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Feed;

/// <summary>The feed's SQS client: the conductor's signed client with the default credential chain.</summary>
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

    public static (SqsClient Client, IDisposable Owner) Create(string? region, string? serviceUrl, ILoggerFactory loggers)
    {
        var clients = new AwsClients(Options.Create(new AwsOptions { Region = region }), new DefaultAwsCredentials(), TimeProvider.System, loggers);
        return (new SqsClient(clients.For(AwsService.Sqs, serviceUrl)), clients);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
