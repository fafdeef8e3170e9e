using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions()).Succeeded);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/v1")]
    [InlineData("https://api.openai.com/v1")]
    public void Validate_ModelBaseUrlHttpOrHttps_Succeeds(string url)
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions { ModelBaseUrl = url }).Succeeded);
    }

    [Theory]
    [InlineData("ftp://models.example/v1")]
    [InlineData("/v1")]
    public void Validate_ModelBaseUrlNotAnHttpUrl_Fails(string url)
    {
        Assert.False(new AgentOptionsValidator().Validate(null, new AgentOptions { ModelBaseUrl = url }).Succeeded);
    }

    [Fact]
    public void Validate_SeveralProblems_AllListedAtOnce()
    {
        var options = new AgentOptions
        {
            Command = [" "], IdleTimeout = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(-1), InterruptGrace = TimeSpan.FromSeconds(-1), ModelBaseUrl = "127.0.0.1:8080/v1",
        };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains("Agent:ModelBaseUrl must be an absolute http:// or https:// URL (got '127.0.0.1:8080/v1').", result.Failures!);
    }

    [Theory]
    [InlineData("10001")]
    [InlineData("10001:10002")]
    [InlineData("")]
    public void Validate_RunAsUidOrUidGidOrEmpty_Succeeds(string runAs)
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions { RunAs = runAs }).Succeeded);
    }

    [Theory]
    [InlineData("agent", "must be uid or uid:gid")]
    [InlineData("10001:", "must be uid or uid:gid")]
    [InlineData("-5", "must be uid or uid:gid")]
    [InlineData("0", "must not be root")]
    [InlineData("10001:0", "must not be root")]
    public void Validate_RunAsNotANumberOrRoot_Fails(string runAs, string expected)
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions { RunAs = runAs });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
