using AgentConductor.TestSupport;
using AgentConductor.Worker.Run;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>An event id (or name) is what operators filter and alert on: each means one thing.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void WorkerEvents_EachIdAndNameDeclaredOnce() =>
        Assert.Empty(LogEventIds.Reused(typeof(JobRun).Assembly));
}
