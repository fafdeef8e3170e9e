using AgentConductor.Conductor.Aws;

namespace AgentConductor.Conductor.Tests.Aws;

public sealed class AwsOptionsValidatorTests
{
    [Fact]
    public void Validate_KnownRegionAndDefaults_Succeeds() =>
        Assert.True(new AwsOptionsValidator().Validate(null, new AwsOptions { Region = "eu-west-1" }).Succeeded);

    [Theory]
    [InlineData("mars-north-1", 5, 60, "Aws:Region 'mars-north-1' is not a known AWS region")]
    [InlineData("us-east-1", 0, 60, "Aws:MaxAttempts must be between 1 and 20")]
    [InlineData("us-east-1", 5, 10, "Aws:RequestTimeout must be at least 00:00:25")]
    public void Validate_BadSetting_NamesIt(string region, int maxAttempts, int timeoutSeconds, string expected)
    {
        var result = new AwsOptionsValidator().Validate(null, new AwsOptions { Region = region, MaxAttempts = maxAttempts, RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds) });

        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
