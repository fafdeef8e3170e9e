using AgentConductor.Conductor.Scheduling;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHubWebhooks;

namespace AgentConductor.Conductor.Tests.Scheduling;

/// <summary>GitHub deliveries through the real scheduler on a real database: which ones become follow-ups, and how.</summary>
public sealed class FollowUpRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Review_RequestingChanges_CreatesAFollowUpLinkedToTheJobAndPullRequest()
    {
        using var harness = Harness();
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-412", T0);

        var result = await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested", "Round half to even."), T0.AddHours(1), "d1");

        var decision = Assert.Single(result.Decisions);
        Assert.Equal((DecisionKind.FollowUp, parent, pr.HtmlUrl, "PAY-412"), (decision.Kind, decision.ParentJobId, decision.PullRequestUrl, decision.TicketKey));
        Assert.Equal(
            $"followup|pending|{parent}|1|{pr.HtmlUrl}|7|{pr.HeadRef}|https://github.com/acme/pay.git|main|PAY",
            harness.Scalar($"""
                SELECT kind || '|' || state || '|' || parent_job_id || '|' || followup_seq || '|' || pull_request_url || '|' || pull_request_number
                    || '|' || branch || '|' || clone_url || '|' || base_branch || '|' || project_key FROM jobs WHERE id = '{decision.JobId}'
                """));
        Assert.Equal("review|901|maria|MEMBER|changes_requested|Round half to even.", harness.Scalar(
            $"SELECT kind || '|' || github_id || '|' || author || '|' || author_association || '|' || state || '|' || body FROM followup_comments WHERE job_id = '{decision.JobId}'"));
        Assert.Equal($"trigger|changes_requested|{decision.JobId}", harness.Scalar("SELECT outcome || '|' || reason || '|' || job_id FROM github_deliveries WHERE delivery_id = 'd1'"));
        Assert.Equal("github", harness.Scalar("SELECT kind FROM events WHERE message_id = 'github-delivery:d1'"));
    }

    [Fact]
    public async Task Triggers_WithinTheWindow_JoinOneFollowUp_AndALaterOneStartsTheNext()
    {
        using var harness = Harness(new FollowUpOptions { CoalesceWindow = TimeSpan.FromMinutes(3) });
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
        var t = T0.AddHours(1);

        var first = await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), t, "d1");
        var second = await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 11, "lee", "@agent-conductor also fix the docs"), t.AddMinutes(2), "d2");
        var third = await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 12, "lee", "@agent-conductor and the changelog"), t.AddMinutes(4), "d3");
        var fourth = await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 13, "lee", "@agent-conductor one more"), t.AddMinutes(8), "d4");

        var followUp = Assert.Single(first.Decisions).JobId;
        Assert.Empty(second.Decisions);
        Assert.Empty(third.Decisions);
        Assert.Equal(3L, harness.Count("followup_comments", $"job_id = '{followUp}'"));
        Assert.Equal(UnixMs(t.AddMinutes(7)), harness.Scalar($"SELECT coalesce_until FROM jobs WHERE id = '{followUp}'"));
        var next = Assert.Single(fourth.Decisions);
        Assert.Equal(2L, harness.Scalar($"SELECT followup_seq FROM jobs WHERE id = '{next.JobId}'"));
        Assert.Equal(parent, next.ParentJobId);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(1, 2)]
    public async Task CoalesceWindow_DecidesWhetherATriggerFiveMinutesLaterJoins(int windowMinutes, int followUps)
    {
        using var harness = Harness(new FollowUpOptions { CoalesceWindow = TimeSpan.FromMinutes(windowMinutes) });
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), T0.AddHours(1), "d1");
        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 902, "maria", "changes_requested"), T0.AddHours(1).AddMinutes(5), "d2");

        Assert.Equal(followUps, harness.Count("jobs", $"parent_job_id = '{parent}'"));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    public async Task MaxPerPullRequest_StopsFurtherFollowUpsWithTheReason(int max, int created)
    {
        using var harness = Harness(new FollowUpOptions { MaxPerPullRequest = max, CoalesceWindow = TimeSpan.FromMinutes(1) });
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        for (var i = 0; i < 4; i++)
        {
            await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 900 + i, "maria", "changes_requested"), T0.AddHours(1 + i), $"d{i}");
        }

        Assert.Equal(created, harness.Count("jobs", $"parent_job_id = '{parent}'"));
        Assert.Equal(4 - created, harness.Count("github_deliveries", "reason = 'limit_reached'"));
        Assert.Contains("FollowUps:MaxPerPullRequest", (string)harness.Scalar("SELECT detail FROM github_deliveries WHERE reason = 'limit_reached' LIMIT 1")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowUpOfAFollowUp_HasTheOriginalJobAsParent()
    {
        using var harness = Harness(new FollowUpOptions { CoalesceWindow = TimeSpan.FromMinutes(1) });
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
        var first = Assert.Single((await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), T0.AddHours(1), "d1")).Decisions).JobId;
        // The first follow-up ran and pushed to the same pull request, reporting it again as its own result.
        GitHubDeliveries.ReportPullRequest(harness.Database, first, pr, T0.AddHours(2));

        var second = Assert.Single((await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 902, "maria", "changes_requested"), T0.AddHours(3), "d2")).Decisions);

        Assert.Equal(parent, second.ParentJobId);
        Assert.Equal(2L, harness.Scalar($"SELECT followup_seq FROM jobs WHERE id = '{second.JobId}'"));
    }

    [Fact]
    public async Task Mention_OfTheConfiguredHandle_Triggers_AndOfAnotherDoesNot()
    {
        using var harness = Harness(new FollowUpOptions { Handle = "@pay-bot" });
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 11, "lee", "@agent-conductor please look"), T0.AddHours(1), "d1");
        await harness.SendDeliveryAsync("pull_request_review_comment", GitHubPayloads.ReviewComment(pr, 12, 0, "lee", "@PAY-BOT rename this"), T0.AddHours(2), "d2");

        Assert.Equal("no_trigger", harness.Scalar("SELECT reason FROM github_deliveries WHERE delivery_id = 'd1'"));
        Assert.Equal("trigger|mention", harness.Scalar("SELECT outcome || '|' || reason FROM github_deliveries WHERE delivery_id = 'd2'"));
    }

    [Fact]
    public async Task FailedCheckSuite_TriggersOnlyWithOnFailedChecks()
    {
        using var off = Harness();
        using var on = Harness(new FollowUpOptions { OnFailedChecks = true });
        foreach (var harness in new[] { off, on })
        {
            var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
            await harness.SendDeliveryAsync("check_suite", GitHubPayloads.CheckSuite(pr, 3300, "failure"), T0.AddHours(1), "d1");
            await harness.SendDeliveryAsync("check_suite", GitHubPayloads.CheckSuite(pr, 3301, "success"), T0.AddHours(2), "d2");
        }

        Assert.Equal("ignored|checks_off", off.Scalar("SELECT outcome || '|' || reason FROM github_deliveries WHERE delivery_id = 'd1'"));
        Assert.Equal(0L, off.Count("jobs", "kind = 'followup'"));
        Assert.Equal("trigger|check_failed", on.Scalar("SELECT outcome || '|' || reason FROM github_deliveries WHERE delivery_id = 'd1'"));
        Assert.Equal("ignored|check_not_failed", on.Scalar("SELECT outcome || '|' || reason FROM github_deliveries WHERE delivery_id = 'd2'"));
        Assert.Equal(1L, on.Count("jobs", "kind = 'followup'"));
    }

    [Fact]
    public async Task IgnoredLogins_NeverTrigger_EvenAsOwners()
    {
        using var plain = Harness();
        using var ignoring = Harness(new FollowUpOptions { IgnoredLogins = ["Agent-Conductor-User"] });
        foreach (var harness in new[] { plain, ignoring })
        {
            var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
            await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 11, "agent-conductor-user", "Done: @agent-conductor asked for X", "OWNER"), T0.AddHours(1), "d1");
        }

        Assert.Equal("trigger", plain.Scalar("SELECT outcome FROM github_deliveries"));
        Assert.Equal("ignored|ignored_login", ignoring.Scalar("SELECT outcome || '|' || reason FROM github_deliveries"));
    }

    [Theory]
    [InlineData("CONTRIBUTOR", "maria", "stranger")]
    [InlineData("NONE", "maria", "stranger")]
    [InlineData("FIRST_TIME_CONTRIBUTOR", "maria", "stranger")]
    [InlineData("OWNER", "agent-conductor[bot]", "bot")]
    [InlineData("COLLABORATOR", "maria", null)]
    [InlineData("OWNER", "maria", null)]
    public async Task Author_MustHaveWriteAccessAndNotBeABot(string association, string author, string? ignoredAs)
    {
        using var harness = Harness();
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        var result = await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, author, "changes_requested", association: association), T0.AddHours(1), "d1");

        Assert.Equal(ignoredAs is null ? 1 : 0, result.Decisions.Count);
        Assert.Equal(ignoredAs ?? "changes_requested", harness.Scalar("SELECT reason FROM github_deliveries"));
    }

    [Fact]
    public async Task PullRequestsNotOpenedByTheConductor_AreIgnoredAsNotOurs()
    {
        using var harness = Harness();
        var (parent, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr with { Number = 8, HeadRef = "feature/login" }, 1, "maria", "changes_requested"), T0.AddHours(1), "human-branch");
        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr with { Number = 9, HeadRef = "agent/zzz/other" }, 2, "maria", "changes_requested"), T0.AddHours(1), "unknown-pr");
        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr with { HeadRef = "agent/zzz/other" }, 3, "maria", "changes_requested"), T0.AddHours(1), "other-branch");
        await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr with { Repository = "acme/other" }, 4, "lee", "@agent-conductor"), T0.AddHours(1), "other-repo");
        await harness.SendDeliveryAsync("issue_comment", GitHubPayloads.IssueComment(pr, 5, "lee", "@agent-conductor", onPullRequest: false), T0.AddHours(1), "issue");

        Assert.Equal(4L, harness.Count("github_deliveries", "reason = 'not_ours'"));
        Assert.Equal("not_a_pull_request", harness.Scalar("SELECT reason FROM github_deliveries WHERE delivery_id = 'issue'"));
        Assert.Contains("not an agent branch", (string)harness.Scalar("SELECT detail FROM github_deliveries WHERE delivery_id = 'human-branch'")!, StringComparison.Ordinal);
        Assert.Contains($"which job {parent} pushed", (string)harness.Scalar("SELECT detail FROM github_deliveries WHERE delivery_id = 'other-branch'")!, StringComparison.Ordinal);
        Assert.Equal(0L, harness.Count("jobs", "kind = 'followup'"));
    }

    [Fact]
    public async Task OtherEventsActionsAndClosedPullRequests_AreStoredAndIgnoredWithTheirReason()
    {
        using var harness = Harness();
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
        var edited = GitHubPayloads.IssueComment(pr, 6, "lee", "@agent-conductor");
        edited["action"] = "edited";

        await harness.SendDeliveryAsync("ping", GitHubPayloads.Ping("acme/pay"), T0.AddHours(1), "ping");
        await harness.SendDeliveryAsync("push", GitHubPayloads.Ping("acme/pay"), T0.AddHours(1), "push");
        await harness.SendDeliveryAsync("issue_comment", edited, T0.AddHours(1), "edited");
        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 7, "maria", "approved", "LGTM"), T0.AddHours(1), "approved");
        await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr with { State = "closed" }, 8, "maria", "changes_requested"), T0.AddHours(1), "closed");

        Assert.Equal(
            ["approved:no_trigger", "closed:pull_request_closed", "edited:unsupported_action", "ping:ping", "push:unsupported_event"],
            Strings(harness, "SELECT delivery_id || ':' || reason FROM github_deliveries ORDER BY delivery_id"));
        Assert.Equal(0L, harness.Count("jobs", "kind = 'followup'"));
        Assert.Equal(5L, harness.Count("events", "kind = 'github'"));
    }

    [Fact]
    public async Task ReviewComments_HeldUntilTheirReviewTriggers_InEitherOrder()
    {
        using var harness = Harness();
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
        var t = T0.AddHours(1);

        var early = await harness.SendDeliveryAsync("pull_request_review_comment", GitHubPayloads.ReviewComment(pr, 5501, 901, "maria", "Use decimal here."), t, "c1");
        var review = await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested", ""), t.AddSeconds(1), "r1");
        await harness.SendDeliveryAsync("pull_request_review_comment", GitHubPayloads.ReviewComment(pr, 5502, 901, "maria", "And here."), t.AddSeconds(2), "c2");
        await harness.SendDeliveryAsync("pull_request_review_comment", GitHubPayloads.ReviewComment(pr, 5503, 902, "maria", "A comment-only review."), t.AddSeconds(3), "c3");

        Assert.Empty(early.Decisions);
        var followUp = Assert.Single(review.Decisions).JobId;
        Assert.Equal(["5501", "901", "5502"], Strings(harness, $"SELECT CAST(github_id AS TEXT) FROM followup_comments WHERE job_id = '{followUp}' ORDER BY event_id"));
        Assert.Equal(
            [$"c1:held:awaiting_review:{followUp}", $"c2:trigger:part_of_review:{followUp}", "c3:held:awaiting_review:", $"r1:trigger:changes_requested:{followUp}"],
            Strings(harness, "SELECT delivery_id || ':' || outcome || ':' || reason || ':' || coalesce(job_id, '') FROM github_deliveries ORDER BY delivery_id"));
    }

    [Fact]
    public async Task RedeliveredDeliveryId_IsStoredOnce_WhicheverWayItComes()
    {
        using var harness = Harness();
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);
        var message = GitHubDeliveries.Message("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), T0.AddHours(1), "d1");

        await harness.SendBatchAsync([message]);
        var again = await harness.SendBatchAsync([message with { ReceivedAt = T0.AddHours(2) }]);
        var viaAnotherKey = await harness.SendBatchAsync([message with { MessageId = "sqs-message-without-the-key" }]);

        Assert.Equal(MessageDisposition.Duplicate, Assert.Single(again.Messages).Disposition);
        Assert.Empty(viaAnotherKey.Decisions);
        Assert.Contains("already stored", Assert.Single(viaAnotherKey.Messages).Note, StringComparison.Ordinal);
        Assert.Equal(1L, harness.Count("github_deliveries"));
        Assert.Equal(1L, harness.Count("jobs", "kind = 'followup'"));
    }

    [Fact]
    public async Task UnsignedDelivery_IsRejectedAndStored_AndSchedulesNothing()
    {
        using var harness = Harness();
        var (_, pr) = await harness.TicketWithPullRequestAsync("PAY-1", T0);

        var result = await harness.SendDeliveryAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), T0.AddHours(1), "d1", Signing.None);

        var outcome = Assert.Single(result.Messages);
        Assert.Equal((MessageDisposition.Rejected, "unsigned"), (outcome.Disposition, outcome.RejectReason));
        Assert.Equal("unsigned|github-webhook", harness.Scalar("SELECT r.reason || '|' || e.format FROM rejected_messages r JOIN events e ON e.id = r.event_id"));
        Assert.Equal(0L, harness.Count("github_deliveries"));
        Assert.Equal(0L, harness.Count("jobs", "kind = 'followup'"));
    }

    [Fact]
    public async Task Batched_GivesTheSameFollowUpsAsOneByOne()
    {
        using var single = Harness();
        using var batched = Harness();
        var (_, pr) = await single.TicketWithPullRequestAsync("PAY-1", T0);
        var (_, pr2) = await batched.TicketWithPullRequestAsync("PAY-1", T0);
        List<Func<PullRequestRef, InboundMessage>> messages =
        [
            p => GitHubDeliveries.Message("pull_request_review_comment", GitHubPayloads.ReviewComment(p, 5501, 901, "maria", "x"), T0.AddHours(1), "c1"),
            p => GitHubDeliveries.Message("pull_request_review", GitHubPayloads.Review(p, 901, "maria", "changes_requested"), T0.AddHours(1), "r1"),
            p => GitHubDeliveries.Message("issue_comment", GitHubPayloads.IssueComment(p, 11, "stranger", "@agent-conductor", "NONE"), T0.AddHours(1), "s1"),
            p => GitHubDeliveries.Message("issue_comment", GitHubPayloads.IssueComment(p, 12, "lee", "@agent-conductor"), T0.AddHours(2), "m1"),
        ];

        foreach (var message in messages)
        {
            await single.SendBatchAsync([message(pr)]);
        }

        await batched.SendBatchAsync([.. messages.Select(m => m(pr2))]);

        const string Shape = "SELECT delivery_id || ':' || outcome || ':' || reason || ':' || coalesce((SELECT followup_seq FROM jobs WHERE id = job_id), '') FROM github_deliveries ORDER BY event_id";
        Assert.Equal(Strings(single, Shape), Strings(batched, Shape));
    }

    private static SchedulerHarness Harness(FollowUpOptions? options = null) => new(followUps: GitHubDeliveries.Settings(options));

    private static long UnixMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static List<string> Strings(SchedulerHarness harness, string sql)
    {
        using var connection = harness.Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
