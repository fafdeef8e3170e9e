using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// Writes one Responses API answer as server-sent events, in the shapes Codex reads: <c>response.created</c>,
/// <c>response.output_item.added</c> / <c>.done</c>, <c>response.output_text.delta</c>, <c>response.completed</c> (with
/// <c>usage</c>) and <c>response.failed</c>. Every event is flushed at once, as a streaming server would.
/// </summary>
internal sealed class ResponseEvents(HttpResponse response, string responseId, string? model)
{
    private int _sequence;

    public static async Task StartAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync();
    }

    public Task CreatedAsync() => SendAsync("response.created", new JsonObject { ["response"] = Response("in_progress") });

    public Task ItemAddedAsync(JsonObject item) => SendAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = item });

    public Task ItemDoneAsync(JsonObject item) => SendAsync("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = item });

    public Task TextDeltaAsync(string itemId, string delta) => SendAsync(
        "response.output_text.delta", new JsonObject { ["item_id"] = itemId, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = delta });

    public Task CompletedAsync(JsonObject item, ModelUsage usage)
    {
        var completed = Response("completed");
        completed["output"] = new JsonArray(item.DeepClone());
        completed["usage"] = new JsonObject
        {
            ["input_tokens"] = usage.Input,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedInput, ["cache_write_tokens"] = usage.CacheWriteInput },
            ["output_tokens"] = usage.Output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.Reasoning },
            ["total_tokens"] = usage.Input + usage.Output,
        };
        return SendAsync("response.completed", new JsonObject { ["response"] = completed });
    }

    public Task FailedAsync(string message)
    {
        var failed = Response("failed");
        failed["error"] = new JsonObject { ["code"] = "server_error", ["message"] = message };
        return SendAsync("response.failed", new JsonObject { ["response"] = failed });
    }

    /// <summary>The JSON body of an HTTP error, as the OpenAI API words it.</summary>
    public static string ErrorBody(int status, string message) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = status == StatusCodes.Status401Unauthorized ? "invalid_request_error" : status >= 500 ? "server_error" : "invalid_request_error",
            ["param"] = null,
            ["code"] = status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : null,
        },
    }.ToJsonString();

    private JsonObject Response(string status) => new()
    {
        ["id"] = responseId,
        ["object"] = "response",
        ["status"] = status,
        ["model"] = model,
    };

    private async Task SendAsync(string type, JsonObject data)
    {
        var payload = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (name, value) in data.ToList())
        {
            data.Remove(name);
            payload[name] = value;
        }

        var text = $"event: {type}\ndata: {payload.ToJsonString(new JsonSerializerOptions { WriteIndented = false })}\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
        await response.Body.FlushAsync();
    }
}
