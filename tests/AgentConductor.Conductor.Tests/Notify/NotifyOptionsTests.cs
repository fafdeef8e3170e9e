using AgentConductor.Conductor.Notify;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>Notification settings are checked at startup, every problem named at once, no secret echoed.</summary>
public sealed class NotifyOptionsTests
{
    private const string Secret = NotifyHost.Secret;

    [Fact]
    public void Validate_BadWebhooksAndRetries_ListsEveryProblem()
    {
        var options = new NotifyOptions
        {
            Webhooks =
            [
                new WebhookOptions { Url = "ftp://hooks.example/x", Secret = "short-secret-value" },
                new WebhookOptions { Name = "bad name!", Url = "https://user:pw@hooks.example/y?token=abc", Events = ["job.finished"] },
                new WebhookOptions { Url = "https://hooks.example/z", Secret = Secret },
                new WebhookOptions { Url = "https://hooks.example/w", Secret = Secret },
            ],
            PublicUrl = "conductor.example.com",
            MaxAttempts = 0,
            RetryBase = TimeSpan.FromMinutes(5),
            RetryCap = TimeSpan.FromMinutes(1),
            PollInterval = TimeSpan.Zero,
            BatchSize = 0,
            RequestTimeout = TimeSpan.FromMilliseconds(100),
        };

        var failures = new NotifyOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(
            [
                "Notify:Webhooks:0:Url must be an absolute http:// or https:// URL without credentials or fragment (got 'ftp://hooks.example/x').",
                "Notify:Webhooks:0:Secret must be at least 32 characters (it has 18); e.g. `openssl rand -hex 32`.",
                "Notify:Webhooks:1:Url must be an absolute http:// or https:// URL without credentials or fragment (got 'https://user:pw@hooks.example/y?…').",
                "Notify:Webhooks:1:Secret is required (at least 32 characters; set it through the environment, e.g. Notify__Webhooks__1__Secret).",
                "Notify:Webhooks:1:Name 'bad name!' must be 1 to 64 letters, digits, '.', '_' or '-'.",
                $"Notify:Webhooks:1:Events has unknown event types (job.finished); known: {string.Join(", ", NotifyEventTypes.All)}.",
                "Notify:Webhooks: more than one webhook is named 'hooks.example'; give each a distinct Name.",
                "Notify:PublicUrl 'conductor.example.com' must be an absolute http:// or https:// URL without credentials, query or fragment.",
                "Notify:MaxAttempts must be between 1 and 100 (got 0).",
                "Notify:RetryBase (00:05:00) must be positive and not above Notify:RetryCap (00:01:00).",
                "Notify:PollInterval must be positive (got 00:00:00).",
                "Notify:BatchSize must be between 1 and 1000 (got 0).",
                "Notify:RequestTimeout must be at least 00:00:01 (got 00:00:00.1000000).",
            ],
            failures);
        Assert.DoesNotContain(failures, f => f.Contains("short-secret-value", StringComparison.Ordinal) || f.Contains("token=abc", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Jira_NeedsUserAndTokenHttpsAndKnownEvents_OnlyWhenASiteIsSet()
    {
        var validator = new JiraOptionsValidator();
        Assert.True(validator.Validate(null, new JiraOptions { User = "x", CommentOn = ["nonsense"] }).Succeeded);
        Assert.True(validator.Validate(null, new JiraOptions { SiteUrl = "http://127.0.0.1:8080", User = "bot@example.com", ApiToken = "t" }).Succeeded);

        var failures = validator.Validate(null, new JiraOptions
        {
            SiteUrl = "http://acme.atlassian.net",
            CommentOn = ["job.running", "job.merged"],
            TransitionOnPullRequest = "  ",
        }).Failures!.ToList();

        Assert.Equal(
            [
                "Jira:SiteUrl 'http://acme.atlassian.net' must use https: the API token travels in every request.",
                "Jira:User is required when Jira:SiteUrl is set (the account's email address on Jira Cloud).",
                "Jira:ApiToken is required when Jira:SiteUrl is set; set it through the environment (Jira__ApiToken) or a secret store.",
                $"Jira:CommentOn has unknown event types (job.merged); known: {string.Join(", ", NotifyEventTypes.All)}.",
                "Jira:TransitionOnPullRequest is blank; leave it unset for no transition.",
            ],
            failures);
        Assert.Contains(
            "must be the site's base URL",
            Assert.Single(validator.Validate(null, new JiraOptions { SiteUrl = "https://acme.atlassian.net/jira", User = "u", ApiToken = "t" }).Failures!),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadNotifySettings_ExitsTwoListingEveryProblemWithoutTheSecrets()
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0"],
            new Dictionary<string, string>
            {
                ["Storage__DatabasePath"] = directory.File("c.db"),
                ["Notify__Webhooks__0__Url"] = "https://hooks.example/conductor",
                ["Notify__Webhooks__0__Secret"] = "too-short-to-sign",
                ["Notify__MaxAttempts"] = "0",
                ["Jira__SiteUrl"] = "https://acme.atlassian.net",
                ["Jira__ApiToken"] = "ATATT-secret-token-value",
            },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("Notify:Webhooks:0:Secret must be at least 32 characters", stderr, StringComparison.Ordinal);
        Assert.Contains("Notify:MaxAttempts must be between 1 and 100 (got 0).", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short-to-sign", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ATATT-secret-token-value", stderr, StringComparison.Ordinal);
    }
}
