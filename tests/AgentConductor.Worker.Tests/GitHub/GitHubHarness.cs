using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>A strict fake GitHub, the Octokit client pointed at it on a fake clock, and the loggers to inspect.</summary>
internal sealed class GitHubHarness : IAsyncDisposable
{
    public const string Token = "ghs_SuperSecretTestToken0123456789";
    public const string Owner = "octo";
    public const string Repo = "payments";

    private GitHubHarness(FakeGitHubServer server, GitHubOptions options, Func<FakeGitHubServer, HttpMessageHandler>? transport)
    {
        Server = server;
        Options = options;
        Client = new OctokitGitHubClient(options, Time, Masker, ClientLogger, transport?.Invoke(server));
    }

    public FakeGitHubServer Server { get; }

    public GitHubOptions Options { get; }

    public TimerTrackingTimeProvider Time { get; } = new(ConductorHost.T0);

    public SecretMasker Masker { get; } = new();

    public ListLogger<GitHubHttpHandler> ClientLogger { get; } = new();

    public ListLogger<PullRequestPublisher> PublisherLogger { get; } = new();

    public OctokitGitHubClient Client { get; }

    public PullRequestPublisher Publisher => new(Client, PublisherLogger);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="pathPrefix">"" like api.github.com, "/api/v3" like GitHub Enterprise Server.</param>
    /// <param name="configure">Changes the options before the client is built (the base URL points at the fake).</param>
    /// <param name="transport">Sends the client's requests to the fake; Octokit's default handler when null.</param>
    public static async Task<GitHubHarness> StartAsync(
        string pathPrefix = "", Action<GitHubOptions>? configure = null, Func<FakeGitHubServer, HttpMessageHandler>? transport = null)
    {
        var server = await FakeGitHubServer.StartAsync(Token, pathPrefix, Ct);
        // No attempt may time out while a test moves the clock across retry waits (at most MaxRetryWait each).
        var options = new GitHubOptions { ApiBaseUrl = server.BaseUrl, Token = Token, AttemptTimeout = TimeSpan.FromDays(1) };
        configure?.Invoke(options);
        return new GitHubHarness(server, options, transport);
    }

    public static PullRequestPublication Publication(string branch = "agent/job-42/fix-refunds", bool draft = false, string body = "Body v1") => new()
    {
        Repository = new GitHubRepository("github.com", Owner, Repo),
        HeadBranch = branch,
        BaseBranch = "main",
        Title = "PAY-412: Fix refunds",
        Body = body,
        Draft = draft,
    };

    /// <summary>
    /// Waits until the client has scheduled its <paramref name="retries"/>-th retry and started waiting for it on the fake
    /// clock (the attempt's own timeout is gone by then), so that an <c>Advance</c> cannot race ahead of the wait.
    /// </summary>
    public async Task WaitForRetryAsync(int retries = 1)
    {
        await Eventually.ValueAsync(() => RetriesLogged >= retries ? "scheduled" : null, Ct, TimeSpan.FromSeconds(20));
        await Time.WaitForTimersAsync();
    }

    /// <summary>Ends every retry wait the client schedules (whatever its length) until <paramref name="task"/> completes.</summary>
    public async Task<T> PumpAsync<T>(Task<T> task)
    {
        var released = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (RetriesLogged > released && Time.PendingTimers > 0)
            {
                released++;
                Time.Advance(Options.MaxRetryWait);
            }
            else
            {
                await Task.Delay(1, Ct);
            }
        }

        return await task;
    }

    /// <summary>Everything the client and the publisher logged, in one string to search for secrets.</summary>
    public string AllLogText() =>
        string.Join("\n", ClientLogger.Entries.Select(e => e.Message).Concat(PublisherLogger.Entries.Select(e => e.Message)));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    private int RetriesLogged => ClientLogger.Count("GitHubRetryingAnswer") + ClientLogger.Count("GitHubRetryingTransportFailure");
}
