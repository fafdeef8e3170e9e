using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Tests.TaskFiles;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("plain", 3)]
    [InlineData("```", 4)]
    [InlineData("a ````` b ``", 6)]
    public void FencedBlock_BacktickRunsInside_FenceIsLonger(string text, int fenceLength)
    {
        var block = UntrustedText.FencedBlock("the ticket", text);

        var lines = block.Split('\n');
        var fence = new string('`', fenceLength);
        Assert.Equal(fence + "text", lines[lines.Length - 3 - text.Count(c => c == '\n')]);
        Assert.Equal(fence, lines[^1]);
    }

    [Fact]
    public void Clean_ControlAndDirectionCharacters_Removed()
    {
        Assert.Equal("a\nb\nc\td", UntrustedText.Clean("a\r\nb\rc\td\u202E\u0007\u200B"));
    }

    [Theory]
    [InlineData("Line one\nline `two`\u202E", "Line one line 'two'")]
    [InlineData("  spaced   out  ", "spaced out")]
    [InlineData(null, "")]
    public void Inline_AnyText_OneNeutralisedLine(string? text, string expected) => Assert.Equal(expected, UntrustedText.Inline(text));

    [Theory]
    [InlineData("Refund fails for EUR accounts!", "refund-fails-for-eur-accounts")]
    [InlineData("--Ünïcode & ___ stuff--", "n-code-stuff")]
    [InlineData("A very long title that certainly exceeds the forty character limit", "a-very-long-title-that-certainly-exceeds")]
    [InlineData("word1234567890123456789012345678901234 x", "word1234567890123456789012345678901234-x")]
    [InlineData("word12345678901234567890123456789012345 xy", "word12345678901234567890123456789012345")]
    [InlineData("!!!", "")]
    public void Slug_Title_LowercaseAsciiWithoutEdgeDashes(string title, string expected)
    {
        var slug = BranchNames.Slug(title);

        Assert.Equal(expected, slug);
        Assert.Matches("^([a-z0-9]+(-[a-z0-9]+)*)?$", slug);
        Assert.True(slug.Length <= BranchNames.MaxSlugLength);
    }

    [Theory]
    [InlineData("TASK.md", null)]
    [InlineData("docs/a.md", null)]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("C:/x", "is absolute")]
    [InlineData("a/../b", "contains '..'")]
    [InlineData("..hidden", "contains '..'")]
    [InlineData("a\\b", "contains a backslash")]
    [InlineData("a//b", "has an empty or '.' segment")]
    [InlineData("./a", "has an empty or '.' segment")]
    [InlineData("", "is empty")]
    public void Problem_Path_MatchesTheRules(string path, string? expected) => Assert.Equal(expected, TaskFilePaths.Problem(path));
}
