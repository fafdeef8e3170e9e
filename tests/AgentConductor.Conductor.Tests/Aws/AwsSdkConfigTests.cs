using AgentConductor.Conductor.Aws;
using Amazon;
using Amazon.Runtime;
using Amazon.SQS;

namespace AgentConductor.Conductor.Tests.Aws;

/// <summary>
/// The <c>Aws</c> settings on an SDK client's configuration. What each does to requests is proven against a strict fake
/// (<see cref="Sqs.SqsClientErrorTests"/>); the regional endpoint, which no test can reach, is checked here.
/// </summary>
public sealed class AwsSdkConfigTests
{
    [Fact]
    public void Create_NoServiceUrl_UsesTheRegionsEndpointAndTheStandardRetryMode()
    {
        var config = AwsSdkConfig.Create<AmazonSQSConfig>(new AwsOptions { Region = "eu-west-1", MaxAttempts = 7, RequestTimeout = TimeSpan.FromSeconds(40) }, null);

        Assert.Equal(RegionEndpoint.EUWest1, config.RegionEndpoint);
        Assert.Null(config.ServiceURL);
        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
        Assert.Equal(6, config.MaxErrorRetry);
        Assert.Equal(TimeSpan.FromSeconds(40), config.Timeout);
    }

    [Fact]
    public void Create_ServiceUrl_IsTheEndpointSignedForTheRegion()
    {
        var config = AwsSdkConfig.Create<AmazonSQSConfig>(new AwsOptions { Region = "eu-central-1" }, "http://127.0.0.1:9324/");

        Assert.Equal("http://127.0.0.1:9324/", config.ServiceURL);
        Assert.Equal("eu-central-1", config.AuthenticationRegion);
    }
}
