using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>The scripted model is strict: what the real API would refuse, or what a script cannot answer, is refused and recorded.</summary>
public sealed class ScriptedModelServerTests
{
    private const string Key = "sk-scripted-model-tests";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_OtherPathOrNoStream_RefusedAndRecordedAsFailures()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Repeating(ModelStep.Message("hi")), Key, cancellationToken: Ct);
        using var http = new HttpClient();

        using var chat = await PostAsync(http, model.BaseUrl + "/chat/completions", CodeModeBody(), Key);
        using var notStreaming = await PostAsync(http, model.BaseUrl + "/responses", new JsonObject { ["model"] = "m", ["stream"] = false, ["input"] = new JsonArray() }, Key);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (chat.StatusCode, notStreaming.StatusCode));
        Assert.Equal(2, model.Failures.Count);
        Assert.Contains("POST /v1/chat/completions: the agent may only call POST /v1/responses", model.Failures[0], StringComparison.Ordinal);
        Assert.Contains("\"stream\": true", model.Failures[1], StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(model.AssertNoFailures);
    }

    [Fact]
    public async Task Request_NoCredentialIsAFailure_AnotherKeyIs401AsTheRealApiAnswers()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Repeating(ModelStep.Message("hi")), Key, cancellationToken: Ct);
        using var http = new HttpClient();

        using var none = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), credential: null);
        using var wrong = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), "sk-someone-else");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.StatusCode, wrong.StatusCode));
        Assert.Contains("Incorrect API key provided.", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("no Authorization header", Assert.Single(model.Failures), StringComparison.Ordinal); // only the missing one
        Assert.Equal([false, false], model.Requests.Select(r => r.CredentialAccepted));
    }

    [Fact]
    public async Task ShellStep_CodeMode_AnExecCallWithJavaScriptAndTheUsageOfTheResponse()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.Shell("ls -a"), ModelStep.Message("done")), Key, cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), Key);
        var stream = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("event: response.created\n", stream, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"custom_tool_call\"", stream, StringComparison.Ordinal);
        Assert.Contains("await tools.exec_command({ cmd: \\u0022ls -a\\u0022 })", stream, StringComparison.Ordinal);
        Assert.Contains("\"input_tokens_details\":{\"cached_tokens\":200,\"cache_write_tokens\":100}", stream, StringComparison.Ordinal);
        Assert.Equal(ToolMode.CodeMode, Assert.Single(model.Requests).Mode);
        model.AssertNoFailures();
    }

    [Fact]
    public async Task ToolStep_RequestOffersNoSuchTool_RefusedAsAFailure()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.AddFile("a.txt", "a")), Key, cancellationToken: Ct);
        using var http = new HttpClient();
        var body = new JsonObject { ["model"] = "m", ["stream"] = true, ["input"] = new JsonArray(), ["tools"] = new JsonArray() };

        using var response = await PostAsync(http, model.BaseUrl + "/responses", body, Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the script calls apply_patch but request 0 does not offer it", Assert.Single(model.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextRequest_WithoutTheToolCallsOutput_Failure_AndAUsedUpScriptRefuses()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.Shell("ls")), Key, cancellationToken: Ct);
        using var http = new HttpClient();

        using var call = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), Key);
        await call.Content.ReadAsStringAsync(Ct);
        using var next = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), Key);

        Assert.Equal(HttpStatusCode.BadRequest, next.StatusCode);
        Assert.Equal(2, model.Failures.Count);
        Assert.Contains("does not return the output of tool call call_", model.Failures[0], StringComparison.Ordinal);
        Assert.Contains("no step left", model.Failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpErrorStep_AnswersItsStatusWithAnApiErrorBody()
    {
        await using var model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.HttpError(503, "The server is overloaded.")), Key, cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await PostAsync(http, model.BaseUrl + "/responses", CodeModeBody(), Key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(("The server is overloaded.", "server_error"), ((string?)error["message"], (string?)error["type"]));
        model.AssertNoFailures();
    }

    /// <summary>A request as Codex's default model sends it: the code-mode exec tool in an additional_tools item.</summary>
    private static JsonObject CodeModeBody() => new()
    {
        ["model"] = "gpt-test",
        ["stream"] = true,
        ["input"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "additional_tools",
                ["role"] = "developer",
                ["tools"] = new JsonArray(new JsonObject
                {
                    ["type"] = "namespace",
                    ["name"] = "functions",
                    ["tools"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "custom", ["name"] = "exec",
                        ["description"] = "declare const tools: { exec_command(args: { cmd: string }): Promise<unknown>; apply_patch(input: string): Promise<unknown>; };",
                    }),
                }),
            },
            new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = "Fix it." }) }),
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string url, JsonObject body, string? credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        return await http.SendAsync(request, Ct);
    }
}
