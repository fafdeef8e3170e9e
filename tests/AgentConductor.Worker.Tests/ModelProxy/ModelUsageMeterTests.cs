using AgentConductor.Worker.ModelProxy;

namespace AgentConductor.Worker.Tests.ModelProxy;

/// <summary>The proxy's count: recorded requests plus what answers still streaming have reported.</summary>
public sealed class ModelUsageMeterTests
{
    [Fact]
    public void Total_IncludesAnswersStillStreamingUntilTheirRecordReplacesThem()
    {
        var meter = new ModelUsageMeter();
        var first = meter.Next();
        var second = meter.Next();
        meter.Record(new ModelRequestRecord(first, "POST", "/responses", 200, new ModelTokenCounts(100, 10, 0, 5, 1), "completed", TimeSpan.Zero));

        meter.Counting(second, new ModelTokenCounts(40, 0, 0, 2, 0));
        meter.Counting(second, new ModelTokenCounts(70, 0, 0, 3, 0)); // a later event of the same answer: replaces, not adds

        Assert.Equal(new ModelTokenCounts(170, 10, 0, 8, 1), meter.Total);
        Assert.Single(meter.Requests);

        meter.Record(new ModelRequestRecord(second, "POST", "/responses", 200, new ModelTokenCounts(70, 0, 0, 3, 0), "completed", TimeSpan.Zero));

        Assert.Equal(new ModelTokenCounts(170, 10, 0, 8, 1), meter.Total);
        Assert.Equal(2, meter.Requests.Count);
    }
}
