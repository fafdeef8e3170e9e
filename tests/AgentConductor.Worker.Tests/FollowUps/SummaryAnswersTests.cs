using AgentConductor.Worker.FollowUps;

namespace AgentConductor.Worker.Tests.FollowUps;

public sealed class SummaryAnswersTests
{
    [Fact]
    public void Parse_MarkersAtLineStarts_EachAnswerRunsToTheNextMarker()
    {
        var answers = SummaryAnswers.Parse("Summary first.\n\n[1] One.\nStill one.\n- [2] Two\n* **[3]** Three\n1. [4]: Four");

        Assert.Equal(
            new Dictionary<int, string> { [1] = "One.\nStill one.", [2] = "Two", [3] = "Three", [4] = "Four" },
            answers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("No numbers here; see [1] in the middle of a line.")]
    public void Parse_NoMarkerAtALineStart_NoAnswers(string? summary) => Assert.Empty(SummaryAnswers.Parse(summary));

    [Fact]
    public void Parse_SameItemTwice_BothPartsKept() =>
        Assert.Equal("first\n\nsecond", SummaryAnswers.Parse("[2] first\n[2] second")[2]);
}
