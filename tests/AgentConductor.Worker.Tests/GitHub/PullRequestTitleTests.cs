using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class PullRequestTitleTests
{
    [Fact]
    public void ForTicket_KeyAndSummary_JoinsWithColon()
    {
        Assert.Equal("PAY-412: Fix refund rounding", PullRequestTitle.ForTicket("PAY-412", "Fix refund rounding"));
    }

    [Fact]
    public void ForIncident_IdAccountAlarm_NamesIncidentAndAccount()
    {
        Assert.Equal("Incident 7 in 111122223333: HighErrorRate", PullRequestTitle.ForIncident(7, "111122223333", "HighErrorRate"));
    }

    [Fact]
    public void ForTicket_MultilineSummary_BecomesOneLine()
    {
        Assert.Equal("PAY-1: first second third", PullRequestTitle.ForTicket("PAY-1", "first\r\nsecond\t third\n"));
    }

    [Fact]
    public void ForTicket_LongSummaryWithEmojiAtCut_IsAtMost256AndValidUtf16()
    {
        var summary = new string('a', 245) + string.Concat(Enumerable.Repeat("😀", 20));

        var title = PullRequestTitle.ForTicket("PAY-412", summary);

        Assert.True(title.Length <= PullRequestTitle.MaxLength, $"length {title.Length}");
        Assert.EndsWith("…", title, StringComparison.Ordinal);
        Assert.True(title.Length >= PullRequestTitle.MaxLength - 1);
        PullRequestBodyTests.AssertValidUtf16(title);
    }
}
