using AgentConductor.Worker.Conductor;

namespace AgentConductor.Worker.Tests.Conductor;

public sealed class ConductorRetryOptionsTests
{
    [Fact]
    public void Validate_CapBelowBase_Throws()
    {
        var options = new ConductorRetryOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.Zero };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("MaxDelay", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AttemptTimeout", ex.Message, StringComparison.Ordinal);
    }
}
