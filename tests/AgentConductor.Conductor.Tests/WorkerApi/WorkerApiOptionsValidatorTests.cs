using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class WorkerApiOptionsValidatorTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.005")]
    [InlineData("00:01:01")]
    public void Validate_HeartbeatFlushIntervalOutOfRange_FailsNamingTheSetting(string interval)
    {
        var result = new WorkerApiOptionsValidator().Validate(null, new WorkerApiOptions { HeartbeatFlushInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("WorkerApi:HeartbeatFlushInterval must be between 00:00:00.010 and 00:01:00", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new WorkerApiOptionsValidator().Validate(null, new WorkerApiOptions()).Succeeded);
    }
}
