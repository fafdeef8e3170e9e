using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// The proxy's own answers, shaped as the OpenAI API shapes errors (<c>{"error":{"message","type","code"}}</c>), so
/// Codex treats them as it treats the API's: a 5xx is retried (<c>Reconnecting... n/5</c>), a 401 ends the run.
/// </summary>
internal static class ModelProxyErrors
{
    public static async Task WriteAsync(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = status >= 500 ? "server_error" : "invalid_request_error",
                ["param"] = null,
                ["code"] = code,
            },
        };
        await response.WriteAsync(body.ToJsonString(), response.HttpContext.RequestAborted);
    }
}
