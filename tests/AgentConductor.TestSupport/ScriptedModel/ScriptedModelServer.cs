using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// A model API the tests own: an HTTP server on 127.0.0.1 (free port) speaking the OpenAI Responses API as Codex uses
/// it (<c>POST /v1/responses</c>, server-sent events) and playing a <see cref="ModelScript"/>. It serves whichever
/// tools the request offers (code mode's <c>exec</c> or classic function tools) and is strict: a request to another
/// path or method, without <c>stream: true</c>, without a credential, that calls a tool the request did not offer,
/// or that does not return the output of the tool call it answers is recorded in <see cref="Failures"/> and refused.
/// A credential other than <see cref="Credential"/> is answered 401, as the real API does. Every request is kept in
/// <see cref="Requests"/>.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ModelRequest> _requests = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _hangStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _hangEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ModelRequest>? _onRequest;
    private int _cursor;
    private int _requestCount;
    private int _itemIds;
    private string? _pendingCallId;

    private ScriptedModelServer(WebApplication app, ModelScript script, string credential, Action<ModelRequest>? onRequest)
    {
        _app = app;
        Script = script;
        Credential = credential;
        _onRequest = onRequest;
    }

    public ModelScript Script { get; }

    /// <summary>The only API key the server accepts (<c>Authorization: Bearer &lt;key&gt;</c>).</summary>
    public string Credential { get; }

    /// <summary>The Responses API base URL to give the agent (<c>http://127.0.0.1:PORT/v1</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ModelRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<string> Failures => [.. _failures];

    /// <summary>Completes when a <see cref="ModelStepKind.HangMidStream"/> step has sent its first events.</summary>
    public Task HangStarted => _hangStarted.Task;

    /// <summary>Completes when the hanging stream ends: true when the client went away, false when the server stopped.</summary>
    public Task<bool> HangEnded => _hangEnded.Task;

    internal CancellationToken Stopping => _stopping.Token;

    /// <param name="credential">The API key the server accepts.</param>
    /// <param name="onRequest">Called with each request once it is answered (the console prints them).</param>
    public static async Task<ScriptedModelServer> StartAsync(
        ModelScript script, string credential, int port = 0, Action<ModelRequest>? onRequest = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(credential);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new ScriptedModelServer(app, script, credential, onRequest);
        app.Run(new ScriptedModelHandler(server).HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Throws if the server saw any request it considers wrong.</summary>
    public void AssertNoFailures()
    {
        if (!_failures.IsEmpty)
        {
            throw new InvalidOperationException("The scripted model saw bad requests:\n" + string.Join("\n", _failures));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    internal int NextIndex() => Interlocked.Increment(ref _requestCount) - 1;

    internal string NewId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _itemIds):D4}";

    internal void Fail(string failure) => _failures.Enqueue(failure);

    internal void Record(ModelRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }

        _onRequest?.Invoke(request);
    }

    /// <summary>
    /// The step that answers request <paramref name="index"/>, or null when the script is used up. The request must
    /// return the output of the tool call the previous step made.
    /// </summary>
    internal ModelStep? TakeStep(int index, IReadOnlyDictionary<string, string> toolOutputs)
    {
        lock (_gate)
        {
            if (_pendingCallId is { } pending)
            {
                if (!toolOutputs.ContainsKey(pending))
                {
                    Fail($"request {index} does not return the output of tool call {pending}");
                }

                _pendingCallId = null;
            }

            if (_cursor == Script.Steps.Count && Script.Repeat)
            {
                _cursor = 0;
            }

            return _cursor < Script.Steps.Count ? Script.Steps[_cursor++] : null;
        }
    }

    /// <summary>The next request must return this tool call's output.</summary>
    internal void ExpectOutput(string callId)
    {
        lock (_gate)
        {
            _pendingCallId = callId;
        }
    }

    internal void HangBegan() => _hangStarted.TrySetResult();

    internal void HangFinished(bool clientWentAway) => _hangEnded.TrySetResult(clientWentAway);
}
