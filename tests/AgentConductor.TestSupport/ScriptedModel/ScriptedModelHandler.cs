using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>Checks each request strictly, takes the script's next step and plays it (see <see cref="ScriptedModelServer"/>).</summary>
internal sealed class ScriptedModelHandler(ScriptedModelServer server)
{
    private const string ResponsesPath = "/v1/responses";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var index = server.NextIndex();
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        ModelRequest Seen(string answer, int status, JsonElement? body = null, ToolMode mode = ToolMode.None, IReadOnlyDictionary<string, string>? outputs = null) => new(
            index, request.Method, request.Path.Value ?? "", authorization, authorization == "Bearer " + server.Credential,
            body is { } b ? OfferedTools.Text(b, "model") : null, mode, body is { } u ? UserText(u) : "",
            outputs ?? new Dictionary<string, string>(), answer, status, body is { } a ? MessageText(a, "assistant") : "");

        if (request.Method != HttpMethods.Post || request.Path != ResponsesPath)
        {
            await RefuseAsync(context, Seen("refused: wrong route", 404), 404, $"{request.Method} {request.Path}: the agent may only call POST {ResponsesPath}");
            return;
        }

        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await RefuseAsync(context, Seen("refused: not JSON", 415), 415, $"Content-Type must be application/json (got '{request.ContentType}')");
            return;
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            await RefuseAsync(context, Seen("refused: bad JSON", 400), 400, $"the body is not JSON: {ex.Message}");
            return;
        }

        if (!body.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            await RefuseAsync(context, Seen("refused: not streaming", 400, body), 400, "the request must ask for a stream (\"stream\": true)");
            return;
        }

        if (authorization is null)
        {
            await RefuseAsync(context, Seen("refused: no credential", 401, body), 401, "You didn't provide an API key (no Authorization header).");
            return;
        }

        var offered = OfferedTools.Read(body);
        var outputs = ToolOutputs(body);
        if (authorization != "Bearer " + server.Credential)
        {
            // Not a failure of the test: a wrong key is answered as the real API answers it.
            await AnswerErrorAsync(context, Seen("401: the credential is not the server's", 401, body, offered.Mode, outputs), 401, "Incorrect API key provided.");
            return;
        }

        if (server.TakeStep(index, outputs) is not { } step)
        {
            await RefuseAsync(context, Seen("refused: the script is used up", 400, body, offered.Mode, outputs), 400, $"the scripted model has no step left for request {index} ({server.Script})");
            return;
        }

        var seen = Seen(step.ToString(), step.Kind == ModelStepKind.HttpError ? step.Status : 200, body, offered.Mode, outputs);
        var model = OfferedTools.Text(body, "model");
        switch (step.Kind)
        {
            case ModelStepKind.HttpError:
                await AnswerErrorAsync(context, seen, step.Status, step.Text);
                return;
            case ModelStepKind.Shell or ModelStepKind.Patch:
                if (ToolCall(step, offered) is not { } call)
                {
                    var tool = step.Kind == ModelStepKind.Shell ? "exec_command" : "apply_patch";
                    await RefuseAsync(context, seen with { Answer = "refused: tool not offered", Status = 400 }, 400, $"the script calls {tool} but request {index} does not offer it (tools: {offered.Mode})");
                    return;
                }

                server.Record(seen);
                await PlayToolCallAsync(context, call, model, step.Usage);
                return;
            default:
                server.Record(seen);
                await PlayStreamAsync(context, step, model, authorization["Bearer ".Length..]);
                return;
        }
    }

    private async Task PlayToolCallAsync(HttpContext context, JsonObject call, string? model, ModelUsage usage)
    {
        var events = new ResponseEvents(context.Response, server.NewId("resp"), model);
        await ResponseEvents.StartAsync(context.Response);
        await events.CreatedAsync();
        await events.ItemAddedAsync((JsonObject)call.DeepClone());
        await events.ItemDoneAsync((JsonObject)call.DeepClone());
        await events.CompletedAsync(call, usage);
        server.ExpectOutput((string)call["call_id"]!);
    }

    private async Task PlayStreamAsync(HttpContext context, ModelStep step, string? model, string credential)
    {
        var events = new ResponseEvents(context.Response, server.NewId("resp"), model);
        await ResponseEvents.StartAsync(context.Response);
        await events.CreatedAsync();
        if (step.Kind == ModelStepKind.ResponseFailed)
        {
            await events.FailedAsync(step.Text);
            return;
        }

        var id = server.NewId("msg");
        await events.ItemAddedAsync(new JsonObject { ["type"] = "message", ["id"] = id, ["role"] = "assistant", ["status"] = "in_progress", ["content"] = new JsonArray() });
        if (step.Kind == ModelStepKind.HangMidStream)
        {
            await events.TextDeltaAsync(id, "Working on it");
            await HangAsync(context);
            return;
        }

        var text = step.EchoCredential ? $"{step.Text} (my key is {credential})" : step.Text;
        await events.TextDeltaAsync(id, text);
        var message = new JsonObject
        {
            ["type"] = "message", ["id"] = id, ["role"] = "assistant", ["status"] = "completed",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
        };
        await events.ItemDoneAsync((JsonObject)message.DeepClone());
        await events.CompletedAsync(message, step.Usage);
    }

    private async Task HangAsync(HttpContext context)
    {
        server.HangBegan();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            server.HangFinished(clientWentAway: context.RequestAborted.IsCancellationRequested);
        }
    }

    /// <summary>The tool call that plays <paramref name="step"/> with what the request offers; null when it offers no way.</summary>
    private JsonObject? ToolCall(ModelStep step, OfferedTools offered)
    {
        var callId = server.NewId("call");
        var shell = step.Kind == ModelStepKind.Shell;
        if (offered.Mode == ToolMode.CodeMode)
        {
            if (shell ? !offered.ExecCommand : !offered.ApplyPatch)
            {
                return null;
            }

            var script = shell
                ? $"const result = await tools.exec_command({{ cmd: {JsonSerializer.Serialize(step.Text)} }});\ntext(result.output);"
                : $"const result = await tools.apply_patch({JsonSerializer.Serialize(step.Text)});\ntext(JSON.stringify(result));";
            return Custom(callId, "exec", script);
        }

        if (!shell && offered.ApplyPatch)
        {
            return offered.ApplyPatchToolType == "custom"
                ? Custom(callId, "apply_patch", step.Text)
                : Function(callId, "apply_patch", new JsonObject { ["input"] = step.Text });
        }

        if (!offered.ExecCommand)
        {
            return null;
        }

        // Without an apply_patch tool a patch goes through the shell tool, which Codex intercepts for apply_patch.
        var command = shell ? step.Text : $"apply_patch <<'PATCH'\n{step.Text}PATCH\n";
        return Function(callId, "exec_command", new JsonObject { ["cmd"] = command });
    }

    private JsonObject Custom(string callId, string name, string input) => new()
    {
        ["type"] = "custom_tool_call", ["id"] = server.NewId("ctc"), ["call_id"] = callId, ["name"] = name, ["input"] = input, ["status"] = "completed",
    };

    private JsonObject Function(string callId, string name, JsonObject arguments) => new()
    {
        ["type"] = "function_call", ["id"] = server.NewId("fc"), ["call_id"] = callId, ["name"] = name, ["arguments"] = arguments.ToJsonString(), ["status"] = "completed",
    };

    private async Task RefuseAsync(HttpContext context, ModelRequest seen, int status, string why)
    {
        server.Fail($"request {seen.Index} ({seen.Method} {seen.Path}): {why}");
        await AnswerErrorAsync(context, seen, status, why);
    }

    private async Task AnswerErrorAsync(HttpContext context, ModelRequest seen, int status, string message)
    {
        server.Record(seen);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ResponseEvents.ErrorBody(status, message));
    }

    private static Dictionary<string, string> ToolOutputs(JsonElement body)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Items(body).Where(i => OfferedTools.Text(i, "type") is "custom_tool_call_output" or "function_call_output"))
        {
            if (OfferedTools.Text(item, "call_id") is { } callId && item.TryGetProperty("output", out var output))
            {
                outputs[callId] = Content(output);
            }
        }

        return outputs;
    }

    private static string UserText(JsonElement body) => MessageText(body, "user");

    private static string MessageText(JsonElement body, string role) => string.Join(
        "\n",
        Items(body).Where(i => OfferedTools.Text(i, "type") == "message" && OfferedTools.Text(i, "role") == role && i.TryGetProperty("content", out _))
            .Select(i => Content(i.GetProperty("content"))));

    private static IEnumerable<JsonElement> Items(JsonElement body) =>
        body.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array ? input.EnumerateArray() : [];

    /// <summary>A string, or the texts of an array of content parts (<c>input_text</c>, <c>output_text</c>), joined.</summary>
    private static string Content(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(part => OfferedTools.Text(part, "text") ?? "")),
        _ => content.GetRawText(),
    };
}
