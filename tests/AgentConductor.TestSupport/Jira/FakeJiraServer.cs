using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.Jira;

/// <summary>
/// An in-process, strict Jira Cloud REST v3 fake on 127.0.0.1 (free port) with what notifications use: add and list
/// comments, list and perform transitions, read an issue's status. It checks every request: method and path, Basic auth
/// (missing: a failure; wrong: 401 as Jira answers), <c>Accept: application/json</c>, a JSON content type on writes, the
/// comment body's shape and its ADF (<see cref="AdfCheck"/>), the transition body, the query of a comment listing. A bad
/// request is recorded in <see cref="Failures"/> and answered as Jira would (400/404/415). Unknown issues answer 404.
/// </summary>
public sealed class FakeJiraServer : IAsyncDisposable
{
    /// <summary>A small workflow: status to the transitions it offers (id, name, target status).</summary>
    public static readonly IReadOnlyDictionary<string, (string Id, string Name, string To)[]> DefaultWorkflow = new Dictionary<string, (string, string, string)[]>
    {
        ["To Do"] = [("11", "Start Progress", "In Progress"), ("21", "In Review", "In Review"), ("31", "Done", "Done")],
        ["In Progress"] = [("21", "In Review", "In Review"), ("31", "Done", "Done")],
        ["In Review"] = [("41", "Back to Progress", "In Progress"), ("31", "Done", "Done")],
        ["Done"] = [("51", "Reopen", "To Do")],
    };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeJiraResponse> _scripted = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _commentHolds = new();
    private int _nextCommentId = 10000;

    private FakeJiraServer(WebApplication app, string user, string apiToken, TimeProvider clock)
    {
        _app = app;
        User = user;
        ApiToken = apiToken;
        Clock = clock;
    }

    public Uri SiteUrl { get; private set; } = null!;

    public string User { get; }

    public string ApiToken { get; }

    public ConcurrentQueue<FakeJiraRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    public IReadOnlyDictionary<string, (string Id, string Name, string To)[]> Workflow { get; set; } = DefaultWorkflow;

    internal TimeProvider Clock { get; }

    internal object Gate { get; } = new();

    internal Dictionary<string, FakeJiraIssue> Issues { get; } = new(StringComparer.Ordinal);

    internal List<TaskCompletionSource> Holding { get; } = [];

    public static async Task<FakeJiraServer> StartAsync(string user, string apiToken, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeJiraServer(app, user, apiToken, clock ?? TimeProvider.System);
        app.Run(new FakeJiraHandler(server).HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.SiteUrl = new Uri(address.TrimEnd('/'));
        return server;
    }

    public FakeJiraIssue AddIssue(string key, string status = "To Do")
    {
        lock (Gate)
        {
            var issue = new FakeJiraIssue(key, status);
            Issues[key] = issue;
            return issue;
        }
    }

    public string StatusOf(string key)
    {
        lock (Gate)
        {
            return Issues[key].Status;
        }
    }

    public IReadOnlyList<FakeJiraComment> Comments(string key)
    {
        lock (Gate)
        {
            return [.. Issues[key].CommentList];
        }
    }

    /// <summary>The next request (after the strict checks pass) gets this answer instead of being handled.</summary>
    public void RespondNext(FakeJiraResponse response) => _scripted.Enqueue(response);

    /// <summary>The next comment is stored, then its answer is withheld until <see cref="ReleaseHeld"/>: the comment exists, the sender never hears.</summary>
    public void HoldNextComment() => _commentHolds.Enqueue(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public int Held
    {
        get
        {
            lock (Gate)
            {
                return Holding.Count(h => !h.Task.IsCompleted);
            }
        }
    }

    public void ReleaseHeld()
    {
        lock (Gate)
        {
            Holding.ForEach(h => h.TrySetResult());
        }
    }

    public void AssertNoFailures()
    {
        if (!Failures.IsEmpty)
        {
            throw new InvalidOperationException("Fake Jira saw bad requests:\n" + string.Join("\n", Failures));
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    internal bool TryTakeScripted(out FakeJiraResponse response) => _scripted.TryDequeue(out response!);

    internal bool TryTakeCommentHold(out TaskCompletionSource hold) => _commentHolds.TryDequeue(out hold!);

    internal string NextCommentId() => Interlocked.Increment(ref _nextCommentId).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
