using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>A strict fake GitHub, a client pointed at it on a fake clock, and the loggers to inspect.</summary>
internal sealed class GitHubHarness : IAsyncDisposable
{
    public const string Token = "ghs_SuperSecretTestToken0123456789";
    public const string Owner = "octo";
    public const string Repo = "payments";

    private readonly HttpClient _httpClient = new() { Timeout = TimeSpan.FromSeconds(30) };

    private GitHubHarness(FakeGitHubServer server, GitHubOptions options)
    {
        Server = server;
        Options = options;
        Client = new GitHubClient(_httpClient, options, Time, ClientLogger);
    }

    public FakeGitHubServer Server { get; }

    public GitHubOptions Options { get; }

    public FakeTimeProvider Time { get; } = new();

    public ListLogger<GitHubClient> ClientLogger { get; } = new();

    public ListLogger<PullRequestPublisher> PublisherLogger { get; } = new();

    public GitHubClient Client { get; }

    public PullRequestPublisher Publisher => new(Client, PublisherLogger);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<GitHubHarness> StartAsync(string pathPrefix = "", Action<GitHubOptions>? configure = null)
    {
        var server = await FakeGitHubServer.StartAsync(Token, pathPrefix, Ct);
        var options = new GitHubOptions { ApiBaseUrl = server.BaseUrl, Token = Token };
        configure?.Invoke(options);
        return new GitHubHarness(server, options);
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

    /// <summary>Fires the fake clock's timers (whatever their due time) until <paramref name="task"/> completes.</summary>
    public async Task<T> PumpAsync<T>(Task<T> task)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (Time.PendingTimers > 0)
            {
                Time.Advance(Options.MaxRetryWait);
            }
            else
            {
                await Task.Delay(1, Ct);
            }
        }

        return await task;
    }

    /// <summary>Everything the client logged, and every exception message, in one string to search for secrets.</summary>
    public string AllLogText() =>
        string.Join("\n", ClientLogger.Entries.Select(e => e.Message).Concat(PublisherLogger.Entries.Select(e => e.Message)));

    public async ValueTask DisposeAsync()
    {
        _httpClient.Dispose();
        await Server.DisposeAsync();
    }
}
