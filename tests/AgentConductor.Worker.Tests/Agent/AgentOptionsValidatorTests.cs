using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions()).Succeeded);
    }

    [Fact]
    public void Validate_SeveralProblems_AllListedAtOnce()
    {
        var options = new AgentOptions { Command = [" "], IdleTimeout = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(-1), InterruptGrace = TimeSpan.FromSeconds(-1) };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.Equal(4, result.Failures!.Count());
    }
}
