using System.Text;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class PullRequestBodyTests
{
    private const string Footer =
        "---\n**Status:** completed\n**Source:** [PAY-412](https://jira.example.com/browse/PAY-412)\n**Job:** `job-42`\n" +
        "**Tokens:** input 12,345 · cached 2,000 · output 678\n**Cost:** unknown (no price for the job's model)\n";

    [Fact]
    public void Build_SmallContent_HoldsEveryPartUntruncated()
    {
        var body = PullRequestBody.Build(Content("Fixed the rounding.", ["dotnet test", "npm run lint"]));

        Assert.StartsWith("Fixed the rounding.\n\n### Checks and commands run\n\n```text\ndotnet test\nnpm run lint\n```\n\n", body, StringComparison.Ordinal);
        Assert.EndsWith(Footer, body, StringComparison.Ordinal);
        Assert.DoesNotContain(PullRequestBody.TruncatedNote, body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoCommands_SaysNoneRecorded()
    {
        var body = PullRequestBody.Build(Content("Done.", []));

        Assert.Contains("_None recorded._", body, StringComparison.Ordinal);
        Assert.DoesNotContain("```", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HugeSummary_TruncatesSummaryKeepsCommandsAndFooter()
    {
        var body = PullRequestBody.Build(Content(new string('s', 100_000), ["dotnet test"]));

        Assert.True(body.Length <= PullRequestBody.GitHubMaxLength, $"length {body.Length}");
        Assert.True(body.Length > PullRequestBody.GitHubMaxLength - 200, $"length {body.Length} wastes the budget");
        Assert.Contains("```text\ndotnet test\n```", body, StringComparison.Ordinal);
        Assert.Contains(PullRequestBody.TruncatedNote, body, StringComparison.Ordinal);
        Assert.EndsWith(Footer, body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HugeSummaryAndCommands_BothCutFooterIntact()
    {
        var commands = Enumerable.Range(0, 10_000).Select(i => $"dotnet test --filter Case{i}").ToList();

        var body = PullRequestBody.Build(Content(new string('s', 80_000), commands));

        Assert.True(body.Length <= PullRequestBody.GitHubMaxLength, $"length {body.Length}");
        Assert.Contains("dotnet test --filter Case0\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Case9999", body, StringComparison.Ordinal);
        Assert.Contains("\n…\n```\n", body, StringComparison.Ordinal);
        Assert.EndsWith(Footer, body, StringComparison.Ordinal);
        Assert.Null(MarkdownFences.ClosingFence(body));
    }

    [Fact]
    public void Build_CutLandsInsideSurrogatePair_ResultIsValidUtf16()
    {
        var summary = string.Concat(Enumerable.Repeat("😀", 60_000));

        for (var max = 1_000; max < 1_004; max++)
        {
            var body = PullRequestBody.Build(Content(summary, ["make check"]), max);

            Assert.True(body.Length <= max, $"length {body.Length} > {max}");
            AssertValidUtf16(body);
            Assert.EndsWith(Footer, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_CutInsideCodeFence_ClosesTheFence()
    {
        var summary = "Before.\n\n~~~~diff\n" + string.Join('\n', Enumerable.Repeat("+ added line", 20_000));

        var body = PullRequestBody.Build(Content(summary, ["git diff"]));

        Assert.True(body.Length <= PullRequestBody.GitHubMaxLength);
        Assert.Contains("…\n~~~~\n\n### Checks and commands run", body, StringComparison.Ordinal);
        Assert.Null(MarkdownFences.ClosingFence(body));
    }

    [Fact]
    public void Build_CommandsContainBackticks_UsesLongerFence()
    {
        var body = PullRequestBody.Build(Content("x", ["echo ```", "grep `x`"]));

        Assert.Contains("````text\necho ```\ngrep `x`\n````", body, StringComparison.Ordinal);
        Assert.Null(MarkdownFences.ClosingFence(body));
    }

    [Fact]
    public void Build_LoneSurrogateInSummary_ReplacedWithReplacementChar()
    {
        var body = PullRequestBody.Build(Content("bad \uD83D here", []));

        Assert.StartsWith("bad \uFFFD here", body, StringComparison.Ordinal);
        AssertValidUtf16(body);
    }

    [Fact]
    public void Build_NoSourceUrl_ShowsPlainSourceTitle()
    {
        var body = PullRequestBody.Build(Content("x", []) with { SourceTitle = "Incident 7 in 111122223333: [Alarm]", SourceUrl = null });

        Assert.Contains("**Source:** Incident 7 in 111122223333: [Alarm]\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CompletedRunWithCostAndJobPage_FooterSaysStatusCostAndLinksTheJob()
    {
        var body = PullRequestBody.Build(Content("Fixed it.", []) with { Cost = 0.4237m, JobUrl = new Uri("https://conductor.example.com/#/jobs/job-42") });

        Assert.EndsWith(
            "---\n**Status:** completed\n**Source:** [PAY-412](https://jira.example.com/browse/PAY-412)\n" +
            "**Job:** [`job-42`](https://conductor.example.com/#/jobs/job-42)\n**Tokens:** input 12,345 · cached 2,000 · output 678\n" +
            "**Cost:** 0.42 USD (estimated: tokens at the job's prices plus worker time)\n",
            body,
            StringComparison.Ordinal);
        Assert.DoesNotContain("budget", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Build_StoppedAtBudget_WarnsFirstAndSaysSoInTheFooter()
    {
        var content = Content("Half of the fix.", ["dotnet test"]) with
        {
            Status = PullRequestBodyStatus.StoppedAtBudget,
            BudgetStopReason = "spent 5.02 USD of the job's 5.00 USD limit",
            Cost = 5.0213m,
        };

        var body = PullRequestBody.Build(content);

        Assert.StartsWith(
            "> [!WARNING]\n> **The run stopped at its budget** (spent 5.02 USD of the job's 5.00 USD limit). " +
            "This pull request holds the agent's work until then: it may be unfinished.\n\nHalf of the fix.\n\n",
            body,
            StringComparison.Ordinal);
        Assert.Contains("\n**Status:** stopped at its budget (spent 5.02 USD of the job's 5.00 USD limit)\n", body, StringComparison.Ordinal);
        Assert.Contains("\n**Cost:** 5.02 USD (estimated", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StoppedAtBudgetWithHugeSummary_KeepsTheWarningAndTheFooter()
    {
        var content = Content(new string('s', 100_000), ["dotnet test"]) with { Status = PullRequestBodyStatus.StoppedAtBudget, BudgetStopReason = "used 1,000 tokens of the job's 1,000 token limit" };

        var body = PullRequestBody.Build(content);

        Assert.True(body.Length <= PullRequestBody.GitHubMaxLength, $"length {body.Length}");
        Assert.StartsWith("> [!WARNING]\n> **The run stopped at its budget** (used 1,000 tokens", body, StringComparison.Ordinal);
        Assert.Contains("**Status:** stopped at its budget (used 1,000 tokens of the job's 1,000 token limit)\n", body, StringComparison.Ordinal);
        Assert.Contains(PullRequestBody.TruncatedNote, body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_JobUrlNotHttp_JobIdStaysPlain()
    {
        var body = PullRequestBody.Build(Content("x", []) with { JobUrl = new Uri("javascript:alert(1)") });

        Assert.Contains("\n**Job:** `job-42`\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 10, 100, 10, 10)]
    [InlineData(10, 500, 100, 10, 90)]
    [InlineData(500, 10, 100, 90, 10)]
    [InlineData(500, 500, 100, 50, 50)]
    public void Share_TwoParts_CutsTheLongerFirst(int first, int second, int budget, int expectedFirst, int expectedSecond)
    {
        Assert.Equal((expectedFirst, expectedSecond), PullRequestBody.Share(first, second, budget));
    }

    internal static void AssertValidUtf16(string text)
    {
        // A strict encoder throws on an unpaired surrogate.
        _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(text);
    }

    private static PullRequestBodyContent Content(string summary, IReadOnlyList<string> commands) => new()
    {
        Summary = summary,
        SourceTitle = "PAY-412",
        SourceUrl = new Uri("https://jira.example.com/browse/PAY-412"),
        JobId = "job-42",
        InputTokens = 12_345,
        CachedInputTokens = 2_000,
        OutputTokens = 678,
        Commands = commands,
    };
}
