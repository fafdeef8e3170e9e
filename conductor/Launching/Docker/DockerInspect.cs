using System.Text.Json;

namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>Reads the JSON array <c>docker container inspect</c> prints.</summary>
internal static class DockerInspect
{
    /// <summary>The containers of an inspect answer; a malformed answer is an error, never "no containers".</summary>
    public static IReadOnlyList<DockerContainer> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
            return [.. document.RootElement.EnumerateArray().Select(Container)];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new DockerCliException($"docker container inspect gave an answer that is not a list of containers: {ex.Message}", innerException: ex);
        }
    }

    private static DockerContainer Container(JsonElement container)
    {
        var name = container.GetProperty("Name").GetString()!.TrimStart('/');
        var labels = container.GetProperty("Config").TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
        var jobId = labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(DockerLabels.JobId, out var id) ? id.GetString() : null;
        var state = container.GetProperty("State");
        var status = state.GetProperty("Status").GetString() ?? "";
        var error = state.TryGetProperty("Error", out var e) ? e.GetString() : null;
        return new DockerContainer(name, jobId, status, status switch
        {
            "running" or "restarting" or "paused" => WorkerStatus.Running,
            "exited" => WorkerStatus.Exited(state.GetProperty("ExitCode").GetInt32()),
            "created" => WorkerStatus.Gone($"container {name} was created but never started{(string.IsNullOrEmpty(error) ? "" : ": " + error)}"),
            _ => WorkerStatus.Gone($"container {name} is {status}"),
        });
    }
}
