using System.Text;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jira;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>Status back on the ticket, against a strict fake Jira Cloud: comments, transitions, failures, hostile text.</summary>
public sealed class JiraNotifyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TicketLife_CommentsWhenWorkStartsAndWhenThePullRequestOpens()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-30");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-30", Ct);
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        var comments = jira.Comments("PAY-30");
        Assert.Equal(2, comments.Count);
        var events = host.Events(jobId); // only the events some destination takes: Jira's defaults
        Assert.Equal(["job.running", "job.succeeded"], events.Select(e => e.Type));
        Assert.Equal(
            $"Agent Conductor started work on this ticket.\nAgent Conductor · job {jobId} · event {events[0].Id}",
            comments[0].Text);
        Assert.Equal(
            $"Pull request opened: {NotifyHost.PullRequest}\nTokens: 1,200 input (300 cached), 80 output.\nAgent Conductor · job {jobId} · event {events[1].Id}",
            comments[1].Text);
        Assert.Equal([NotifyHost.PullRequest, $"{NotifyHost.PublicUrl}/#/jobs/{jobId}"], comments[1].Links);
        var posts = jira.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, r => Assert.Equal("/rest/api/3/issue/PAY-30/comment", r.Path));
        Assert.All(posts, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{NotifyHost.JiraUser}:{NotifyHost.JiraToken}")), r.Header("Authorization")));
        Assert.All(posts, r => Assert.StartsWith("AgentConductor/", r.Header("User-Agent"), StringComparison.Ordinal));
        Assert.Equal(
            ["comment 10001", "comment 10002"],
            host.Strings("SELECT detail FROM notify_deliveries d JOIN notify_events e ON e.id = d.event_id WHERE destination = 'jira' ORDER BY e.seq"));
    }

    [Fact]
    public async Task FailedTimedOutCancelled_CommentWithTheReason()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-31");
        jira.AddIssue("PAY-32");
        jira.AddIssue("PAY-33");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira);
        var failed = await NotifyHost.RunTicketAsync(host, "PAY-31", Ct);
        await NotifyHost.FinishAsync(host, failed, NotifyHost.Failed("agent_failed", "codex exited with code 1"));
        var timedOut = await NotifyHost.RunTicketAsync(host, "PAY-32", Ct);
        host.Write(w => w.TryMove(timedOut, JobState.Running, JobState.TimedOut, "ran longer than Reconcile:JobTimeout (02:00:00)", ConductorHost.T0.AddHours(2)));
        var (cancelled, _) = await host.LaunchTicketAsync("PAY-33", cancellationToken: Ct);
        host.Write(w => w.TryMove(cancelled, JobState.Launched, JobState.Cancelled, "cancelled: ticket closed", ConductorHost.T0));

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        Assert.StartsWith(
            "The job failed: worker reported failed: agent_failed\nError: codex exited with code 1\nWork so far is on branch agent/x/fix.\nTokens: 500 input (0 cached), 40 output.",
            jira.Comments("PAY-31")[^1].Text, StringComparison.Ordinal);
        Assert.StartsWith(
            $"The job timed out: ran longer than Reconcile:JobTimeout (02:00:00)\nWork so far is on branch agent/{timedOut}/fix.",
            jira.Comments("PAY-32")[^1].Text, StringComparison.Ordinal);
        Assert.StartsWith("The job was cancelled: cancelled: ticket closed\nAgent Conductor · job", Assert.Single(jira.Comments("PAY-33")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileText_LandsInTextNodesOnly()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-34");
        jira.AddIssue("PAY-45");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira);
        var failed = await NotifyHost.RunTicketAsync(host, "PAY-34", Ct, summary: "[click|https://evil.example] {color:red}x{color}");
        const string hostile =
            "\"}]},{\"type\":\"mention\",\"attrs\":{\"id\":\"all\"}} [pwn|https://evil.example/a] <script>alert(1)</script>\n\u0000\u001b[31m*bold* @here";
        await NotifyHost.FinishAsync(host, failed, NotifyHost.Failed("agent_failed", hostile));
        var opened = await NotifyHost.RunTicketAsync(host, "PAY-45", Ct);
        await NotifyHost.FinishAsync(host, opened, NotifyHost.Succeeded() with { Key = new("succeeded", "javascript:alert(1)", "agent/x/fix", null) });

        await host.DrainAsync(Ct);

        jira.AssertNoFailures(); // every comment was ADF of paragraphs, text nodes and the allowed marks only
        var comment = jira.Comments("PAY-34")[^1];
        Assert.Contains(
            "Error: \"}]},{\"type\":\"mention\",\"attrs\":{\"id\":\"all\"}} [pwn|https://evil.example/a] <script>alert(1)</script>   [31m*bold* @here\n",
            comment.Text, StringComparison.Ordinal);
        Assert.Equal([$"{NotifyHost.PublicUrl}/#/jobs/{failed}"], comment.Links);
        var pullRequest = jira.Comments("PAY-45")[^1];
        Assert.StartsWith("Pull request opened: javascript:alert(1)\n", pullRequest.Text, StringComparison.Ordinal);
        Assert.Equal([$"{NotifyHost.PublicUrl}/#/jobs/{opened}"], pullRequest.Links);
    }

    [Fact]
    public async Task IncidentJob_NothingGoesToJira()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira);
        var (jobId, token) = await host.LaunchIncidentAsync("123456789012", "orders-api-5xx", Ct);
        await NotifyHost.StartWorkAsync(host, jobId, token);
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        await host.DrainAsync(Ct);

        Assert.Empty(jira.Requests);
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM notify_deliveries"));
    }

    [Fact]
    public async Task PullRequest_TransitionsTheTicketByName()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-35", "In Progress");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, settings: ["--Jira:TransitionOnPullRequest=in review"]);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-35", Ct);
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        Assert.Equal("In Review", jira.StatusOf("PAY-35"));
        Assert.Equal("transition 'In Review' (id 21) to status 'In Review'", host.Scalar("SELECT detail FROM notify_deliveries WHERE destination = 'jira-transition'"));
        Assert.Equal(
            ["GET /rest/api/3/issue/PAY-35/transitions", "POST /rest/api/3/issue/PAY-35/transitions"],
            jira.Requests.Where(r => r.Path.EndsWith("/transitions", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal("{\"transition\":{\"id\":\"21\"}}", jira.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/transitions", StringComparison.Ordinal)).Body);
    }

    [Fact]
    public async Task PullRequest_NoSuchTransition_DeadAtOnceNamingTheOffered_CommentStillPosted()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-36", "Done");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, settings: ["--Jira:TransitionOnPullRequest=In Review"]);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-36", Ct);
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        await host.DrainAsync(Ct);

        Assert.Equal("dead", host.Scalar("SELECT state FROM notify_deliveries WHERE destination = 'jira-transition'"));
        Assert.Equal(1L, host.Scalar("SELECT attempts FROM notify_deliveries WHERE destination = 'jira-transition'"));
        Assert.Equal(
            "PAY-36 (status 'Done') has no transition named 'In Review' (Jira:TransitionOnPullRequest); available: 'Reopen'",
            host.Scalar("SELECT last_error FROM notify_deliveries WHERE destination = 'jira-transition'"));
        Assert.Equal("Done", jira.StatusOf("PAY-36"));
        Assert.Equal(2, jira.Comments("PAY-36").Count);
    }

    [Fact]
    public async Task PullRequest_AlreadyInTheStatus_IsDelivered_NoPullRequest_IsSkipped()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-37", "In Review");
        jira.AddIssue("PAY-38");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, settings: ["--Jira:TransitionOnPullRequest=In Review"]);
        var moved = await NotifyHost.RunTicketAsync(host, "PAY-37", Ct);
        await NotifyHost.FinishAsync(host, moved, NotifyHost.Succeeded());
        var noPullRequest = await NotifyHost.RunTicketAsync(host, "PAY-38", Ct);
        await NotifyHost.FinishAsync(host, noPullRequest, NotifyHost.Succeeded(pullRequestUrl: null));

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        Assert.Equal(
            ["delivered already in status 'In Review'", "skipped no pull request was opened"],
            host.Strings("SELECT state || ' ' || detail FROM notify_deliveries d JOIN notify_events e ON e.id = d.event_id WHERE destination = 'jira-transition' ORDER BY e.seq"));
        Assert.Equal("To Do", jira.StatusOf("PAY-38"));
        Assert.StartsWith("The agent finished, but no pull request was reported.", jira.Comments("PAY-38")[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_IsRetried_AndTheTokenIsNeitherStoredNorLogged()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-39");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, time: time);
        await NotifyHost.RunTicketAsync(host, "PAY-39", Ct);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{NotifyHost.JiraUser}:{NotifyHost.JiraToken}"));
        // A proxy in front of Jira that echoes what it was sent.
        jira.RespondNext(FakeJiraResponse.Error(401, $"Client must be authenticated (got Basic {basic}, token {NotifyHost.JiraToken})"));

        await host.PassAsync(Ct);

        var error = (string)host.Scalar("SELECT last_error FROM notify_deliveries WHERE destination = 'jira'")!;
        Assert.Equal("commenting on PAY-39: HTTP 401: Client must be authenticated (got Basic ***, token ***) (Jira refused Jira:User / Jira:ApiToken)", error);
        Assert.Equal("pending", host.Scalar("SELECT state FROM notify_deliveries WHERE destination = 'jira'"));
        Assert.DoesNotContain(NotifyHost.JiraToken, host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(basic, host.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventName == "NotifyDestinationFailing" && e.Message.Contains("HTTP 401", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromMinutes(1));
        await host.PassAsync(Ct);
        Assert.Equal("delivered", host.Scalar("SELECT state FROM notify_deliveries WHERE destination = 'jira'"));
        Assert.Single(jira.Comments("PAY-39"));
        jira.AssertNoFailures();
    }

    [Fact]
    public async Task IssueMissing_DeadAtOnce_RateLimited_WaitsForRetryAfter_ServerError_Retried()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-41");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, time: time, settings: ["--Jira:CommentOn:0=job.launching"]);
        await host.LaunchTicketAsync("PAY-40", cancellationToken: Ct); // no such issue in Jira
        await host.PassAsync(Ct);
        Assert.Equal("dead", host.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal(
            "commenting on PAY-40: HTTP 404: Issue does not exist or you do not have permission to see it.",
            host.Scalar("SELECT last_error FROM notify_deliveries"));

        await host.LaunchTicketAsync("PAY-41", cancellationToken: Ct);
        jira.RespondNext(FakeJiraResponse.Error(429, "Rate limit exceeded.", ("Retry-After", "120")));
        await host.PassAsync(Ct);
        const string Live = "SELECT {0} FROM notify_deliveries WHERE state <> 'dead'";
        Assert.Equal(UnixTime.ToMs(time.GetUtcNow().AddSeconds(120)), host.Scalar(string.Format(null, Live, "due_at")));
        Assert.Equal(429L, host.Scalar(string.Format(null, Live, "last_status")));

        time.Advance(TimeSpan.FromSeconds(120));
        jira.RespondNext(FakeJiraResponse.Error(502, "Bad gateway"));
        await host.PassAsync(Ct);
        Assert.Equal("pending", host.Scalar(string.Format(null, Live, "state")));
        Assert.Equal(2L, host.Scalar(string.Format(null, Live, "attempts")));

        time.Advance(TimeSpan.FromMinutes(1));
        await host.PassAsync(Ct);
        Assert.Equal("delivered", host.Scalar(string.Format(null, Live, "state")));
        // Attempts after the first look for their own comment before posting.
        Assert.Equal(2, jira.Requests.Count(r => r.Method == "GET" && r.Path == "/rest/api/3/issue/PAY-41/comment" && r.Query == "orderBy=-created&maxResults=100"));
        Assert.Single(jira.Comments("PAY-41"));
        jira.AssertNoFailures();
    }

    [Fact]
    public async Task Crash_AfterTheCommentWasPosted_TheRetryFindsItAndPostsNoSecond()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-42");
        using var data = new TempDirectory();
        var crashed = data.File("crashed.db");
        await using (var first = await NotifyHost.StartAsync(Ct, jira: jira))
        {
            await NotifyHost.RunTicketAsync(first, "PAY-42", Ct);
            jira.HoldNextComment();
            var pass = first.PassAsync(Ct);
            await Eventually.ValueAsync(() => jira.Held == 1 ? "held" : null, Ct);
            using (var source = first.Database.OpenConnection())
            using (var copy = new SqliteConnection($"Data Source={crashed}"))
            {
                copy.Open();
                source.BackupDatabase(copy);
            }

            jira.ReleaseHeld();
            await pass;
        }

        await using var second = await NotifyHost.StartAsync(Ct, jira: jira, settings: [$"--Storage:DatabasePath={crashed}"]);
        await second.DrainAsync(Ct);

        jira.AssertNoFailures();
        var comment = Assert.Single(jira.Comments("PAY-42"));
        Assert.Equal("delivered", second.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal($"comment {comment.Id} (posted by an earlier attempt)", second.Scalar("SELECT detail FROM notify_deliveries"));
        Assert.Single(jira.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task BudgetStop_WhenAsked_CommentsWithTheReasonAndTheBranch()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-43");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira, settings: ["--Jira:CommentOn:0=job.running", "--Jira:CommentOn:1=job.budget_stopped"]);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-43", Ct);
        host.Execute("UPDATE jobs SET input_tokens = 90000, output_tokens = 4000 WHERE id = @id", ("@id", jobId));
        host.Write(w => w.RecordBudgetStop(jobId, "spent 5.02 USD of the job's 5.00 USD cap", ConductorHost.T0.AddMinutes(3)));

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        Assert.StartsWith(
            $"The job was stopped at its budget: spent 5.02 USD of the job's 5.00 USD cap\nWork so far is on branch agent/{jobId}/fix.\nTokens: 90,000 input (0 cached), 4,000 output.",
            jira.Comments("PAY-43")[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lost_SaysWhetherTheJobIsTriedAgain_NoChanges_SaysNoPullRequest()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-46");
        jira.AddIssue("PAY-47");
        jira.AddIssue("PAY-48");
        await using var host = await NotifyHost.StartAsync(Ct, jira: jira);
        var (retried, _) = await host.LaunchTicketAsync("PAY-46", cancellationToken: Ct);
        host.Write(w =>
        {
            // As the reconciler loses a job and tries it again: both moves in one transaction.
            w.TryMove(retried, JobState.Launched, JobState.Lost, "no handshake within Reconcile:HandshakeTimeout (00:10:00)", ConductorHost.T0.AddMinutes(10));
            w.TryMove(retried, JobState.Lost, JobState.Pending, "retry: attempt 2 of 2 (the worker was lost before it ran)", ConductorHost.T0.AddMinutes(10));
        });
        var gone = await NotifyHost.RunTicketAsync(host, "PAY-47", Ct);
        host.Write(w => w.TryMove(gone, JobState.Running, JobState.Lost, "no heartbeat within Reconcile:HeartbeatTimeout (00:02:00)", ConductorHost.T0.AddMinutes(10)));
        var unchanged = await NotifyHost.RunTicketAsync(host, "PAY-48", Ct);
        await NotifyHost.FinishAsync(host, unchanged, NotifyHost.Succeeded(pullRequestUrl: null) with { Target = JobState.NoChanges, Key = new("no_changes", null, null, null) });

        await host.DrainAsync(Ct);

        jira.AssertNoFailures();
        Assert.StartsWith(
            "The worker running this job was lost: no handshake within Reconcile:HandshakeTimeout (00:10:00). The job is tried again.\n",
            Assert.Single(jira.Comments("PAY-46")).Text, StringComparison.Ordinal);
        Assert.StartsWith(
            "The worker running this job was lost: no heartbeat within Reconcile:HeartbeatTimeout (00:02:00). The job is not tried again.\n",
            jira.Comments("PAY-47")[^1].Text, StringComparison.Ordinal);
        Assert.StartsWith(
            "The agent finished without changes, so no pull request was opened.\nTokens: 1,200 input (300 cached), 80 output.\n",
            jira.Comments("PAY-48")[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FakeJira_RefusesWhatJiraWould()
    {
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        jira.AddIssue("PAY-44");
        using var http = new HttpClient { BaseAddress = jira.SiteUrl };
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{NotifyHost.JiraUser}:{NotifyHost.JiraToken}"));

        async Task<int> PostAsync(string path, string json, string? authorization = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", authorization ?? basic);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, Ct);
            return (int)response.StatusCode;
        }

        const string Valid = "{\"body\":{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}}";
        Assert.Equal(201, await PostAsync("/rest/api/3/issue/PAY-44/comment", Valid));
        Assert.Equal(401, await PostAsync("/rest/api/3/issue/PAY-44/comment", Valid, "Basic " + Convert.ToBase64String("x:y"u8.ToArray())));
        Assert.Empty(jira.Failures);
        Assert.Equal(400, await PostAsync("/rest/api/3/issue/PAY-44/comment", "{\"body\":\"plain text is v2, not v3\"}"));
        Assert.Equal(400, await PostAsync("/rest/api/3/issue/PAY-44/comment", Valid.Replace("\"hi\"", "\"\"", StringComparison.Ordinal)));
        Assert.Equal(400, await PostAsync("/rest/api/3/issue/PAY-44/comment", Valid.Replace("\"text\",\"text\"", "\"mention\",\"text\"", StringComparison.Ordinal)));
        Assert.Equal(404, await PostAsync("/rest/api/2/issue/PAY-44/comment", Valid));
        Assert.Equal(4, jira.Failures.Count);
        Assert.Equal(404, await PostAsync("/rest/api/3/issue/PAY-99/comment", Valid));
        Assert.Equal(4, jira.Failures.Count);
    }
}
