using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.ModelProxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Tests.ModelProxy;

/// <summary>The model proxy between an HTTP client (standing in for the agent) and the scripted model (the model API).</summary>
public sealed class ModelProxyServerTests : IAsyncDisposable
{
    private const string Key = "sk-proj-ProxyTestModelKey0123456789";
    private const string Body = "{\"model\":\"m\",\"stream\":true,\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}";

    private readonly ListLogger<ModelProxyServer> _logger = new();
    private readonly HttpClient _agent = new();
    private ScriptedModelServer? _model;
    private ModelProxyFactory? _factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_WithTheRunsToken_TheModelGetsTheKeyTheAgentGetsTheStreamAndTheUsageIsCounted()
    {
        await using var proxy = await StartAsync(ModelScript.Of(ModelStep.Message("Hello from the model.")));

        using var response = await PostAsync(proxy, proxy.Token);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("event: response.created", text, StringComparison.Ordinal);
        Assert.Contains("Hello from the model.", text, StringComparison.Ordinal);
        var seen = Assert.Single(_model!.Requests);
        Assert.Equal("Bearer " + Key, seen.Authorization);
        Assert.Equal("/v1/responses", seen.Path);
        _model.AssertNoFailures();
        var record = Assert.Single(proxy.Usage.Requests);
        Assert.Equal((200, "completed"), (record.Status, record.Outcome));
        var d = ModelUsage.Default;
        Assert.Equal(new ModelTokenCounts(d.Input, d.CachedInput, d.CacheWriteInput, d.Output, d.Reasoning), proxy.Usage.Total);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-proj-ProxyTestModelKey0123456789")]
    [InlineData("acproxy-0000")]
    public async Task Post_WithoutTheRunsToken_401AndTheModelHearsNothing(string? credential)
    {
        await using var proxy = await StartAsync(ModelScript.Of(ModelStep.Message("never")));

        using var response = await PostAsync(proxy, credential);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", await ErrorCodeAsync(response));
        Assert.Empty(_model!.Requests);
        Assert.Contains(_logger.Entries, e => e.EventName == "ModelProxyRefused");
    }

    [Theory]
    [InlineData("GET", "/files")]
    [InlineData("POST", "/files")]
    [InlineData("POST", "/fine_tuning/jobs")]
    [InlineData("DELETE", "/responses/resp_1")]
    [InlineData("POST", "/responsesX")]
    public async Task Request_ForARouteTheAgentDoesNotNeed_404AndNotForwarded(string method, string path)
    {
        await using var proxy = await StartAsync(ModelScript.Of(ModelStep.Message("never")));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(proxy.BaseUrl + path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.Token);

        using var response = await _agent.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_model!.Requests);
    }

    [Fact]
    public async Task Post_ModelAnswers503_TheAgentGetsTheSameStatusAndBody()
    {
        await using var proxy = await StartAsync(ModelScript.Of(ModelStep.HttpError(503, "The server is overloaded.")));

        using var response = await PostAsync(proxy, proxy.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The server is overloaded.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(503, Assert.Single(proxy.Usage.Requests).Status);
        Assert.Equal(default, proxy.Usage.Total);
    }

    [Fact]
    public async Task Post_ModelUnreachable_502ShapedAsAnApiErrorSoTheAgentRetries()
    {
        _factory = new ModelProxyFactory(new AdmitEveryModelRequest(), TimeProvider.System, _logger);
        await using var proxy = await _factory.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}/v1"), Key, Ct);

        using var response = await PostAsync(proxy, proxy.Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", await ErrorCodeAsync(response));
        Assert.Contains(_logger.Entries, e => e.EventName == "ModelProxyUpstreamUnreachable");
    }

    [Fact]
    public async Task Post_ModelHangsMidStream_EachEventReachesTheAgentAtOnceAndHangingUpCancelsTheUpstreamRequest()
    {
        await using var proxy = await StartAsync(ModelScript.Of(ModelStep.HangMidStream()));
        using var request = Post(proxy, proxy.Token);

        using (var response = await _agent.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
            var received = new StringBuilder();
            while (!received.ToString().Contains("Working on it", StringComparison.Ordinal))
            {
                received.AppendLine(await reader.ReadLineAsync(Ct)); // only arrives if the proxy flushed it while the model still hangs
            }

            Assert.False(_model!.HangEnded.IsCompleted);
        }

        // The agent hung up: the proxy's own request to the model goes too.
        Assert.True(await _model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await Eventually.ValueAsync(() => proxy.Usage.Requests.Count > 0 ? proxy.Usage.Requests[0] : null, Ct);
        Assert.Equal((200, "the agent went away during the answer"), (proxy.Usage.Requests[0].Status, proxy.Usage.Requests[0].Outcome));
    }

    [Fact]
    public async Task Post_GateRefuses_TheAgentGetsTheRefusalAndTheModelNothing()
    {
        _model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.Message("never")), Key, cancellationToken: Ct);
        _factory = new ModelProxyFactory(new RefuseAll(), TimeProvider.System, _logger);
        await using var proxy = await _factory.StartAsync(new Uri(_model.BaseUrl), Key, Ct);

        using var response = await PostAsync(proxy, proxy.Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("insufficient_quota", await ErrorCodeAsync(response));
        Assert.Empty(_model.Requests);
        Assert.StartsWith("refused: ", Assert.Single(proxy.Usage.Requests).Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhileTheLastAnswerIsStillStreaming_TheJobsBudgetCountsWhatTheAgentHasRead()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var model = await ModelAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":{\"input_tokens\":900,\"output_tokens\":100}}}\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task; // the stream stays open: the proxy has not recorded the request yet
        });
        var gate = new JobBudgetGate(TimeProvider.System, new ListLogger<JobBudgetGate>());
        gate.Arm(new JobSpec { JobId = "job-1", Budget = new JobBudget { MaxTokens = 1_000 } }, TimeProvider.System.GetTimestamp(), _ => { });
        _factory = new ModelProxyFactory(gate, TimeProvider.System, _logger);
        await using var proxy = await _factory.StartAsync(new Uri(model.Urls.Single() + "/v1"), Key, Ct);
        using var first = Post(proxy, proxy.Token);
        using var streaming = await _agent.SendAsync(first, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await streaming.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("event: response.completed", await reader.ReadLineAsync(Ct));
        Assert.StartsWith("data: ", await reader.ReadLineAsync(Ct), StringComparison.Ordinal);

        using var next = await PostAsync(proxy, proxy.Token); // as Codex does the moment it has read an answer

        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        Assert.Equal("insufficient_quota", await ErrorCodeAsync(next));
        Assert.Equal("used 1,000 tokens of the job's 1,000 token limit", gate.Reached?.Reason);
        Assert.Equal([1], proxy.Usage.Requests.Select(r => r.Index));
        release.SetResult();
        await Eventually.ValueAsync(() => proxy.Usage.Requests.Count == 2 ? "recorded" : null, Ct);
        Assert.Equal(new ModelTokenCounts(900, 0, 0, 100, 0), proxy.Usage.Total);
    }

    [Fact]
    public async Task Post_ModelBreaksOffMidStream_TheAgentsStreamIsCutToo()
    {
        var relayed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var breaking = await BreakingModelAsync(relayed.Task);
        _factory = new ModelProxyFactory(new AdmitEveryModelRequest(), TimeProvider.System, _logger);
        await using var proxy = await _factory.StartAsync(new Uri(breaking.Urls.Single() + "/v1"), Key, Ct);
        using var request = Post(proxy, proxy.Token);

        using var response = await _agent.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("event: response.created", await reader.ReadLineAsync(Ct));
        relayed.SetResult(); // the model breaks off only now that the stream has reached the agent

        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync(Ct));
        await Eventually.ValueAsync(() => _logger.Entries.Any(e => e.EventName == "ModelProxyUpstreamBroke") ? "logged" : null, Ct);
    }

    [Fact]
    public async Task Post_AnswerWithoutAStream_ItsUsageIsCountedToo()
    {
        await using var model = await ModelAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"usage\":{\"input_tokens\":70,\"input_tokens_details\":{\"cached_tokens\":7}," +
                "\"output_tokens\":30,\"output_tokens_details\":{\"reasoning_tokens\":3}}}");
        });
        _factory = new ModelProxyFactory(new AdmitEveryModelRequest(), TimeProvider.System, _logger);
        await using var proxy = await _factory.StartAsync(new Uri(model.Urls.Single() + "/v1"), Key, Ct);

        using var response = await PostAsync(proxy, proxy.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"input_tokens\":70", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(new ModelTokenCounts(70, 7, 0, 30, 3), proxy.Usage.Total);
    }

    public async ValueTask DisposeAsync()
    {
        _factory?.Dispose();
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        _agent.Dispose();
    }

    private async Task<ModelProxyServer> StartAsync(ModelScript script)
    {
        _model = await ScriptedModelServer.StartAsync(script, Key, cancellationToken: Ct);
        _factory = new ModelProxyFactory(new AdmitEveryModelRequest(), TimeProvider.System, _logger);
        return await _factory.StartAsync(new Uri(_model.BaseUrl), Key, Ct);
    }

    private static HttpRequestMessage Post(ModelProxyServer proxy, string? credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy.BaseUrl, "responses"))
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        return request;
    }

    private async Task<HttpResponseMessage> PostAsync(ModelProxyServer proxy, string? credential)
    {
        using var request = Post(proxy, credential);
        return await _agent.SendAsync(request, Ct);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    // A model API that starts an event stream and drops the connection once told to.
    private static Task<WebApplication> BreakingModelAsync(Task breakOff) => ModelAsync(async context =>
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("event: response.created\ndata: {\"type\":\"response.created\"}\n\n");
        await context.Response.Body.FlushAsync();
        await breakOff;
        context.Abort();
    });

    private static async Task<WebApplication> ModelAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync(Ct);
        return app;
    }

    private sealed class RefuseAll : IModelRequestGate
    {
        public ModelRequestRefusal? Check(ModelUsageMeter usage) => new(429, "insufficient_quota", "The job's model budget is spent.");

        public void Completed(ModelRequestRecord request, ModelUsageMeter usage)
        {
        }
    }
}
