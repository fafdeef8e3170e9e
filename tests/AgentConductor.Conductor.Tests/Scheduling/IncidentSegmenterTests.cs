using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Tests.Scheduling;

public sealed class IncidentSegmenterTests
{
    [Fact]
    public void Segment_GapsAndSpan_SplitWhereTheRuleSays()
    {
        // window 10, span 25: 0,10,20 chain; 31 exceeds the gap; 31..55 capped by span at 56 (56-31 = 25 is inside, 57 is not)
        long[] times = [0, 10, 20, 31, 40, 50, 56, 57];

        var segments = IncidentSegmenter.Segment(times, windowMs: 10, maxSpanMs: 25);

        Assert.Equal([(0, 3), (3, 4), (7, 1)], segments);
    }

    [Fact]
    public void Segment_Empty_HasNoIncidents() =>
        Assert.Empty(IncidentSegmenter.Segment([], 10, 10));

    [Fact]
    public void Segment_EqualTimes_StayTogether() =>
        Assert.Equal([(0, 3)], IncidentSegmenter.Segment([5, 5, 5], 0, 0));
}
