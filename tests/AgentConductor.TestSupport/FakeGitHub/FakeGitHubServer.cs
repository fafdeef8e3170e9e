using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// An in-process, strict GitHub REST fake on 127.0.0.1 (free port) with the endpoints the worker uses:
/// list/create/update pull requests, reply in a review comment's thread, comment on a pull request, over an in-memory
/// store (see <see cref="FakeGitHubCommentEndpoints"/> for the comments' answers, 404 and 422 included). A request with a missing or wrong <c>Authorization</c>
/// (only <c>Bearer &lt;token&gt;</c>), an <c>Accept</c> that is not a GitHub JSON media type, a missing or wrong
/// <c>X-GitHub-Api-Version</c>, no <c>User-Agent</c>, an unknown route, a query parameter or body field GitHub would not
/// take, a body that is not a JSON object (or is labelled neither JSON nor, as Octokit does, form-urlencoded) or a
/// <c>head</c> filter not in <c>owner:branch</c> form is recorded in <see cref="Failures"/>
/// and answered 400.
/// Every request is kept in <see cref="Requests"/>. Optionally served under an enterprise-style prefix (<c>/api/v3</c>).
/// With an <see cref="App"/>, the App endpoints answer (JWT checked, installation lookup, scoped token minting) and the
/// tokens it minted are accepted within their scope; repositories added with <see cref="HostRepository"/> are served over
/// git smart HTTP at <c>/owner/name.git</c> with the same scoping.
/// </summary>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeGitHubResponse> _scripted = new();
    private readonly ConcurrentQueue<int> _storeThenFail = new();
    private long _commentIds = 700_000_000;
    private int _concurrentCreates;
    private int _hangs;
    private int _abortedRequests;

    private FakeGitHubServer(WebApplication app, string token, string pathPrefix)
    {
        _app = app;
        Token = token;
        PathPrefix = pathPrefix;
    }

    /// <summary>The API root to configure the client with, ending in '/'.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public string Token { get; }

    public string PathPrefix { get; }

    public ConcurrentQueue<FakeGitHubRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>The GitHub App whose endpoints the fake serves and whose tokens it accepts; null: only <see cref="Token"/>.</summary>
    public FakeGitHubApp? App { get; private set; }

    /// <summary>Every git request, in order.</summary>
    public ConcurrentQueue<FakeGitRequest> GitRequests { get; } = new();

    internal ConcurrentDictionary<string, string> GitRepositories { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The URL git clones <paramref name="owner"/>/<paramref name="name"/> from (at the host's root, as github.com serves it).</summary>
    public Uri CloneUrl(string owner, string name) => new($"{BaseUrl.GetLeftPart(UriPartial.Authority)}/{owner}/{name}.git");

    /// <summary>Requests the client gave up on while the fake held them (see <see cref="HangNext"/>).</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    internal object Gate { get; } = new();

    internal List<FakePullRequest> Store { get; } = [];

    internal List<FakeReviewComment> ReviewCommentStore { get; } = [];

    internal List<FakeIssueComment> IssueCommentStore { get; } = [];

    /// <summary>Who the comments the fake is sent are by (the worker comments as the App's bot).</summary>
    public string CommentAuthor { get; set; } = "agent-conductor[bot]";

    /// <summary>A snapshot of every review comment and thread reply, in the order they were made.</summary>
    public IReadOnlyList<FakeReviewComment> ReviewComments
    {
        get
        {
            lock (Gate)
            {
                return [.. ReviewCommentStore];
            }
        }
    }

    /// <summary>A snapshot of every comment on a pull request's conversation, in the order they were made.</summary>
    public IReadOnlyList<FakeIssueComment> IssueComments
    {
        get
        {
            lock (Gate)
            {
                return [.. IssueCommentStore];
            }
        }
    }

    /// <summary>A snapshot of every pull request in the store.</summary>
    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get
        {
            lock (Gate)
            {
                return [.. Store];
            }
        }
    }

    /// <param name="token">The only token the fake accepts (as <c>Authorization: Bearer &lt;token&gt;</c>).</param>
    /// <param name="pathPrefix">"" for github.com, "/api/v3" to look like GitHub Enterprise Server.</param>
    public static async Task<FakeGitHubServer> StartAsync(string token, string pathPrefix = "", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGitHubServer(app, token, pathPrefix.TrimEnd('/'));
        var handler = new FakeGitHubHandler(server);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + server.PathPrefix + "/");
        return server;
    }

    /// <summary>
    /// A fake with a GitHub App (and no token of its own unless <paramref name="token"/> names one): the App endpoints answer
    /// and only tokens it minted, within their scope, reach the repositories.
    /// </summary>
    public static async Task<FakeGitHubServer> StartAsync(FakeGitHubApp app, string token = "", string pathPrefix = "", CancellationToken cancellationToken = default)
    {
        var server = await StartAsync(token, pathPrefix, cancellationToken);
        server.App = app;
        return server;
    }

    /// <summary>Serves the bare repository at <paramref name="bareRepositoryPath"/> as <c>/owner/name.git</c>.</summary>
    public void HostRepository(string owner, string name, string bareRepositoryPath) => GitRepositories[$"{owner}/{name}"] = bareRepositoryPath;

    /// <summary>Puts an open pull request in the store, as if an earlier run had opened it.</summary>
    public FakePullRequest AddPullRequest(string owner, string repo, string headRef, string baseRef = "main", string title = "Existing")
    {
        lock (Gate)
        {
            var pullRequest = new FakePullRequest
            {
                Number = Store.Count + 1, Owner = owner, Repo = repo, HeadOwner = owner, HeadRef = headRef, BaseRef = baseRef, Title = title,
            };
            Store.Add(pullRequest);
            return pullRequest;
        }
    }

    /// <summary>A reviewer's comment on line <paramref name="line"/> of <paramref name="path"/> in pull request <paramref name="number"/>, as if made on GitHub.</summary>
    public FakeReviewComment AddReviewComment(string owner, string repo, int number, string path, int line, string body, string author = "maria")
    {
        lock (Gate)
        {
            var comment = new FakeReviewComment
            {
                Id = NextCommentId(), Owner = owner, Repo = repo, PullRequestNumber = number, Path = path, Line = line, Body = body, Author = author,
            };
            ReviewCommentStore.Add(comment);
            return comment;
        }
    }

    internal long NextCommentId() => Interlocked.Increment(ref _commentIds);

    /// <summary>The next request (after the strict checks pass) gets this answer instead of being handled.</summary>
    public void RespondNext(FakeGitHubResponse response) => _scripted.Enqueue(response);

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> (502 by default).</summary>
    public void FailNext(int count, int status = 502)
    {
        for (var i = 0; i < count; i++)
        {
            RespondNext(FakeGitHubResponse.Create(status, "Server Error"));
        }
    }

    /// <summary>A primary rate limit: 403 with <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> at <paramref name="reset"/>.</summary>
    public void RateLimitNext(DateTimeOffset reset, int status = 403) => RespondNext(FakeGitHubResponse.Create(
        status,
        "API rate limit exceeded for user ID 1.",
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-used", "5000"),
        ("x-ratelimit-resource", "core"),
        ("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));

    /// <summary>A secondary rate limit: 429 with <c>Retry-After</c>.</summary>
    public void TooManyRequestsNext(TimeSpan retryAfter) => RespondNext(FakeGitHubResponse.Create(
        429,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        ("Retry-After", ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture))));

    /// <summary>
    /// The next create loses a race: just before it is handled, another run opens a pull request for the same head,
    /// so GitHub answers 422 "A pull request already exists for owner:branch.".
    /// </summary>
    public void SimulateConcurrentCreateNext() => Interlocked.Increment(ref _concurrentCreates);

    /// <summary>The next request (after the strict checks pass) is never answered: it stays open until the client aborts it.</summary>
    public void HangNext() => Interlocked.Increment(ref _hangs);

    /// <summary>The next create or update (POST, PATCH) is handled, what it writes stored, but answered with <paramref name="status"/>.</summary>
    public void StoreThenFailNext(int status = 502) => _storeThenFail.Enqueue(status);

    internal bool TryTakeStoreThenFail(out int status) => _storeThenFail.TryDequeue(out status);

    internal bool TryTakeHang() => TakeOne(ref _hangs);

    internal void CountAbort() => Interlocked.Increment(ref _abortedRequests);

    internal bool TryTakeScripted(out FakeGitHubResponse response) => _scripted.TryDequeue(out response!);

    internal bool TakeConcurrentCreate() => TakeOne(ref _concurrentCreates);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    internal void Fail(string failure) => Failures.Enqueue(failure);

    /// <summary>Throws if the fake saw any request it considers wrong.</summary>
    public void AssertNoFailures()
    {
        if (!Failures.IsEmpty)
        {
            throw new InvalidOperationException("Fake GitHub saw bad requests:\n" + string.Join("\n", Failures));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
