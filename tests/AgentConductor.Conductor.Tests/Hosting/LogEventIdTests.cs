using AgentConductor.Conductor.Hosting;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Hosting;

/// <summary>An event id (or name) is what operators filter and alert on: each means one thing.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void ConductorEvents_EachIdAndNameDeclaredOnce() =>
        Assert.Empty(LogEventIds.Reused(typeof(ConductorApplication).Assembly));
}
