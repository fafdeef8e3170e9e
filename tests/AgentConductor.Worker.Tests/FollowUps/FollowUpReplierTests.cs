using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.FollowUps;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Tests.GitHub;

namespace AgentConductor.Worker.Tests.FollowUps;

/// <summary>A follow-up's answers on its pull request, through Octokit against the strict fake GitHub.</summary>
public sealed class FollowUpReplierTests : IAsyncLifetime
{
    private const string Commit = "4f1c2b3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";
    private const string JobId = "job-fu-1";

    private readonly ListLogger<FollowUpReplier> _replierLogger = new();
    private GitHubHarness _gitHub = null!;
    private FakePullRequestIds _ids = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GitHubRepository Repository => new("github.com", GitHubHarness.Owner, GitHubHarness.Repo);

    public async ValueTask InitializeAsync()
    {
        _gitHub = await GitHubHarness.StartAsync();
        var pr = _gitHub.Server.AddPullRequest(GitHubHarness.Owner, GitHubHarness.Repo, "agent/job-1/fix-refunds");
        var line = _gitHub.Server.AddReviewComment(GitHubHarness.Owner, GitHubHarness.Repo, pr.Number, "src/Refunds.cs", 42, "Use banker's rounding here.");
        _ids = new FakePullRequestIds(pr.Number, line.Id);
    }

    public async ValueTask DisposeAsync() => await _gitHub.DisposeAsync();

    [Fact]
    public async Task ReplyAsync_NumberedSummary_LineCommentAnsweredInItsThreadTheRestInOneComment()
    {
        var summary = "I addressed the review.\n\n[1] Switched to MidpointRounding.ToEven.\n- [2] Renamed `Total` to `RefundTotal` as asked.\n[3] The check failed on rounding; fixed by [1].";

        var posted = await Replier().ReplyAsync(Repository, FollowUp(), JobId, summary, Commit, Ct);

        _gitHub.Server.AssertNoFailures();
        Assert.Equal(new FollowUpRepliesPosted(1, true), posted);
        var reply = _gitHub.Server.ReviewComments.Single(c => c.InReplyToId == _ids.LineComment);
        Assert.StartsWith("Switched to MidpointRounding.ToEven.", reply.Body, StringComparison.Ordinal);
        Assert.Contains("Pushed in 4f1c2b3a9d8e", reply.Body, StringComparison.Ordinal);
        Assert.Contains("follow-up 1", reply.Body, StringComparison.Ordinal);
        var comment = Assert.Single(_gitHub.Server.IssueComments);
        Assert.Equal(_ids.PullRequest, comment.Number);
        Assert.Contains("**[2]** review by maria", comment.Body, StringComparison.Ordinal);
        Assert.Contains("> Renamed `Total` to `RefundTotal` as asked.", comment.Body, StringComparison.Ordinal);
        Assert.Contains("**[3]** failed check suite", comment.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("MidpointRounding", comment.Body, StringComparison.Ordinal);
        Assert.Contains(_gitHub.Server.Requests, r => r.Method == "POST" && r.Path == $"/repos/octo/payments/pulls/{_ids.PullRequest}/comments");
    }

    [Fact]
    public async Task ReplyAsync_GitHubStoredBothButAnswered502_EachIsFoundAndNotPostedAgain()
    {
        _gitHub.Server.StoreThenFailNext(502); // the thread reply
        _gitHub.Server.StoreThenFailNext(502); // the pull request comment

        var posted = await _gitHub.PumpAsync(Replier().ReplyAsync(Repository, FollowUp(), JobId, "[1] Done.\n[2] Renamed.\n[3] Fixed.", Commit, Ct));

        _gitHub.Server.AssertNoFailures();
        Assert.Equal(new FollowUpRepliesPosted(1, true), posted);
        Assert.StartsWith("Done.", Assert.Single(_gitHub.Server.ReviewComments, c => c.InReplyToId == _ids.LineComment).Body, StringComparison.Ordinal);
        Assert.Contains("> Renamed.", Assert.Single(_gitHub.Server.IssueComments).Body, StringComparison.Ordinal);
        Assert.Equal(
            ["POST pulls/comments", "GET pulls/comments", "POST issues/comments", "GET issues/comments"],
            _gitHub.Server.Requests.Select(r => $"{r.Method} {r.Path.Split('/')[4]}/{r.Path.Split('/')[^1]}"));
        Assert.All(_gitHub.Server.Requests.Where(r => r.Method == "GET"), r => Assert.Matches(@"^since=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ&per_page=100$", Uri.UnescapeDataString(r.Query)));
        Assert.Equal(2, _gitHub.ClientLogger.Entries.Count(e => e.EventName == "GitHubStoredCopyFound"));
    }

    [Fact]
    public async Task ReplyAsync_GitHubAnswered502WithoutStoring_LooksThenPostsAgainOnce()
    {
        _gitHub.Server.FailNext(1, 502); // the thread reply, not stored

        var posted = await _gitHub.PumpAsync(Replier().ReplyAsync(Repository, FollowUp(), JobId, "[1] Done.\n[2] Renamed.\n[3] Fixed.", Commit, Ct));

        _gitHub.Server.AssertNoFailures();
        Assert.Equal(new FollowUpRepliesPosted(1, true), posted);
        Assert.Single(_gitHub.Server.ReviewComments, c => c.InReplyToId == _ids.LineComment);
        Assert.Equal(
            ["POST pulls/comments", "GET pulls/comments", "POST pulls/comments", "POST issues/comments"],
            _gitHub.Server.Requests.Select(r => $"{r.Method} {r.Path.Split('/')[4]}/{r.Path.Split('/')[^1]}"));
        Assert.DoesNotContain(_gitHub.ClientLogger.Entries, e => e.EventName is "GitHubStoredCopyFound" or "GitHubStoredCopyUnknown");
    }

    [Fact]
    public async Task ReplyAsync_LineCommentDeletedMeanwhile_AnsweredInThePullRequestCommentInstead()
    {
        var followUp = FollowUp();
        followUp.Comments[0].Id = 99_999; // GitHub answers 404 for a comment that no longer exists

        var posted = await Replier().ReplyAsync(Repository, followUp, JobId, "[1] Done.\n[2] Done too.\n[3] Fixed.", Commit, Ct);

        _gitHub.Server.AssertNoFailures();
        Assert.Equal(new FollowUpRepliesPosted(0, true), posted);
        Assert.DoesNotContain(_gitHub.Server.ReviewComments, c => c.InReplyToId is not null);
        Assert.Contains("**[1]** comment on src/Refunds.cs line 42 by maria", Assert.Single(_gitHub.Server.IssueComments).Body, StringComparison.Ordinal);
        Assert.Contains(_replierLogger.Entries, e => e.EventName == "FollowUpThreadReplyRefused");
    }

    [Fact]
    public async Task ReplyAsync_SummaryNumbersNoItem_PostedWholeOnceAndTheThreadPointsToIt()
    {
        var posted = await Replier().ReplyAsync(Repository, FollowUp(), JobId, "Reworked the rounding and renamed the method.", null, Ct);

        _gitHub.Server.AssertNoFailures();
        var comment = Assert.Single(_gitHub.Server.IssueComments);
        Assert.Contains("> Reworked the rounding and renamed the method.", comment.Body, StringComparison.Ordinal);
        Assert.Contains("No new commits", comment.Body, StringComparison.Ordinal);
        var reply = _gitHub.Server.ReviewComments.Single(c => c.InReplyToId == _ids.LineComment);
        Assert.Contains(comment.HtmlUrl, reply.Body, StringComparison.Ordinal);
        Assert.Equal(new FollowUpRepliesPosted(1, true), posted);
    }

    [Fact]
    public async Task ReplyAsync_AgentWritesMentions_NobodyIsNotifiedAndTheHandleCannotSendItBack()
    {
        await Replier().ReplyAsync(Repository, FollowUp(), JobId, "[1] Done, @maria. Ping @acme/payments-team and @agent-conductor.\n[2] ok\n[3] ok", Commit, Ct);

        var reply = _gitHub.Server.ReviewComments.Single(c => c.InReplyToId == _ids.LineComment);
        Assert.DoesNotMatch(@"(?<![\w`])@[A-Za-z0-9]", reply.Body);
        Assert.Contains("@\u200Bmaria", reply.Body, StringComparison.Ordinal);
        Assert.Contains("@\u200Bagent-conductor", reply.Body, StringComparison.Ordinal);
        Assert.Contains("name@example.com stays", ReplyText.Defuse("name@example.com stays"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyAsync_SecretInTheSummary_MaskedInEveryPost()
    {
        const string Secret = "ghs_LeakedByTheAgent0123456789abcdef";
        _gitHub.Masker.AddValue(Secret);

        await Replier().ReplyAsync(Repository, FollowUp(), JobId, $"[1] token {Secret}\n[2] {Secret}\n[3] ok", Commit, Ct);

        Assert.All(_gitHub.Server.ReviewComments.Select(c => c.Body).Concat(_gitHub.Server.IssueComments.Select(c => c.Body)), body => Assert.DoesNotContain(Secret, body, StringComparison.Ordinal));
        Assert.All(_gitHub.Server.Requests, r => Assert.DoesNotContain(Secret, r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplyAsync_PullRequestGone_FailsWithGitHubsNotFound()
    {
        var followUp = FollowUp();
        followUp.PullRequest.Number = 404;

        await Assert.ThrowsAsync<GitHubNotFoundException>(() => Replier().ReplyAsync(Repository, followUp, JobId, "[1] a\n[2] b\n[3] c", Commit, Ct));

        _gitHub.Server.AssertNoFailures();
        Assert.Empty(_gitHub.Server.IssueComments);
    }

    private FollowUpReplier Replier() => new(_gitHub.Client, _gitHub.Masker, _replierLogger);

    private FollowUp FollowUp()
    {
        var followUp = new FollowUp
        {
            ParentJobId = "job-1",
            Sequence = 1,
            PullRequest = new FollowUpPullRequest { Number = _ids.PullRequest, Url = $"https://github.com/octo/payments/pull/{_ids.PullRequest}", Repository = "octo/payments" },
        };
        followUp.Comments.Add(new ReviewComment
        {
            Number = 1, Kind = ReviewCommentKind.ReviewComment, Id = _ids.LineComment, ReviewId = 901, Author = "maria", Path = "src/Refunds.cs", Line = 42,
            Body = "Use banker's rounding here.", Url = $"https://github.com/octo/payments/pull/{_ids.PullRequest}#discussion_r{_ids.LineComment}",
        });
        followUp.Comments.Add(new ReviewComment { Number = 2, Kind = ReviewCommentKind.Review, Id = 901, ReviewId = 901, Author = "maria", Body = "Rename Total." });
        followUp.Comments.Add(new ReviewComment { Number = 3, Kind = ReviewCommentKind.CheckSuite, Id = 77, Body = "failure" });
        return followUp;
    }

    private sealed record FakePullRequestIds(int PullRequest, long LineComment);
}
