using Amazon;

namespace AgentConductor.Conductor.Aws;

/// <summary>Settings every AWS client shares. Credentials come from the SDK's default chain, never from settings.</summary>
internal sealed class AwsOptions
{
    public const string Section = "Aws";

    /// <summary>The region requests are signed for; empty means <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; set; }

    /// <summary>Tries per request, counting the first; throttling, 5xx and broken connections are retried.</summary>
    public int MaxAttempts { get; set; } = AwsRetryPolicy.Default.MaxAttempts;

    /// <summary>Longer than the longest SQS long poll (20 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public string? ResolveRegion() => RegionFrom(Region);

    /// <summary>The first of <paramref name="configured"/> that is set, then <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>; null when none is.</summary>
    public static string? RegionFrom(params string?[] configured) =>
        configured.Append(Environment.GetEnvironmentVariable("AWS_REGION")).Append(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            .FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));

    /// <summary>Whether the SDK knows <paramref name="region"/> (it answers "Unknown" for names it has no endpoint data for).</summary>
    public static bool IsKnownRegion(string region) => RegionEndpoint.GetBySystemName(region).DisplayName != "Unknown";
}
