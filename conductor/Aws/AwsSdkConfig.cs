using Amazon;
using Amazon.Runtime;

namespace AgentConductor.Conductor.Aws;

/// <summary>The shared <c>Aws</c> settings on an AWS SDK client's configuration.</summary>
internal static class AwsSdkConfig
{
    /// <summary>
    /// The SDK's standard retry mode with <c>Aws:MaxAttempts</c> tries (throttling, 5xx, broken connections and clock
    /// skew are retried, with the SDK's jittered backoff and retry quota), <c>Aws:RequestTimeout</c> per HTTP request,
    /// and the region's endpoint, or <paramref name="serviceUrl"/> signed for the region.
    /// </summary>
    /// <param name="serviceUrl">An endpoint override (a VPC endpoint, a local emulator); null for the regional endpoint.</param>
    public static TConfig Create<TConfig>(AwsOptions options, string? serviceUrl)
        where TConfig : ClientConfig, new()
    {
        var region = options.ResolveRegion() ?? throw new InvalidOperationException("Aws:Region is not set (nor AWS_REGION / AWS_DEFAULT_REGION).");
        var config = new TConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxAttempts - 1,
            Timeout = options.RequestTimeout,
        };
        if (string.IsNullOrWhiteSpace(serviceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region;
        }

        return config;
    }
}
