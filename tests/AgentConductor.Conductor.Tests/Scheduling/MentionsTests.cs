using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Tests.Scheduling;

public sealed class MentionsTests
{
    [Theory]
    [InlineData("@agent-conductor please fix")]
    [InlineData("Thanks! @Agent-Conductor, can you rename this?")]
    [InlineData("(@agent-conductor)")]
    [InlineData("line one\r\n@agent-conductor: line two")]
    [InlineData("cc @agent-conductor.")]
    public void Contains_TheHandleAsAWord_IsAMention(string body) => Assert.True(Mentions.Contains(body, "@agent-conductor"));

    [Theory]
    [InlineData("@agent-conductor-bot please fix")]
    [InlineData("mail me at me@agent-conductor")]
    [InlineData("@agent-conductor/reviewers please look")]
    [InlineData("> @agent-conductor fix it\n\nI disagree with the quote above.")]
    [InlineData("Try `@agent-conductor fix` in a comment")]
    [InlineData("```\n@agent-conductor\n```")]
    [InlineData("    @agent-conductor in an indented code block")]
    [InlineData("")]
    [InlineData(null)]
    public void Contains_TheHandleInsideSomethingElse_IsNoMention(string? body) => Assert.False(Mentions.Contains(body, "@agent-conductor"));
}
