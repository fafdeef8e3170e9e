using Amazon;

namespace AgentConductor.Conductor.Aws;

/// <summary>Where requests for one service go, and the region they are signed for.</summary>
internal sealed record AwsEndpoint(AwsService Service, string Region, Uri Url)
{
    /// <summary>
    /// The regional endpoint (<c>https://sqs.eu-west-1.amazonaws.com/</c>, other partitions by their DNS suffix), or
    /// <paramref name="serviceUrl"/> when set: a local emulator or a VPC endpoint, still signed for <paramref name="region"/>.
    /// </summary>
    public static AwsEndpoint Resolve(AwsService service, string region, string? serviceUrl)
    {
        if (!string.IsNullOrWhiteSpace(serviceUrl))
        {
            if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"'{serviceUrl}' is not an http:// or https:// URL", nameof(serviceUrl));
            }

            return new AwsEndpoint(service, region, url);
        }

        var suffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix;
        return new AwsEndpoint(service, region, new Uri($"https://{service.SigningName}.{region}.{suffix}/"));
    }
}
