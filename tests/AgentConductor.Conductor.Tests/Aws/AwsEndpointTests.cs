using AgentConductor.Conductor.Aws;

namespace AgentConductor.Conductor.Tests.Aws;

public sealed class AwsEndpointTests
{
    [Theory]
    [InlineData("us-east-1", "https://ecs.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-1", "https://ecs.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://ecs.cn-north-1.amazonaws.com.cn/")]
    public void Resolve_Region_UsesThePartitionsDomain(string region, string expected) =>
        Assert.Equal(new Uri(expected), AwsEndpoint.Resolve(AwsService.Ecs, region, null).Url);

    [Fact]
    public void Resolve_ServiceUrl_OverridesTheHostButKeepsTheSigningRegion()
    {
        var endpoint = AwsEndpoint.Resolve(AwsService.Ecs, "eu-central-1", "http://127.0.0.1:9324");

        Assert.Equal(new Uri("http://127.0.0.1:9324/"), endpoint.Url);
        Assert.Equal("eu-central-1", endpoint.Region);
        Assert.Equal("ecs", endpoint.Service.SigningName);
    }

    [Theory]
    [InlineData("127.0.0.1:9324")]
    [InlineData("ftp://127.0.0.1/")]
    public void Resolve_ServiceUrlThatIsNotHttp_Throws(string url) =>
        Assert.Throws<ArgumentException>(() => AwsEndpoint.Resolve(AwsService.Ecs, "us-east-1", url));
}
