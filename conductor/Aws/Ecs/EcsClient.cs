using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>
/// The four ECS operations the launcher calls, over the signed JSON client. The only place that knows ECS operation
/// names, so it can be replaced by AWSSDK.ECS's <c>AmazonECSClient</c> without touching the launcher.
/// </summary>
internal sealed class EcsClient(AwsJsonClient aws)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public AwsEndpoint Endpoint => aws.Endpoint;

    /// <exception cref="EcsClientTokenConflictException">The client token was used before with other parameters.</exception>
    public async Task<RunTaskResponse> RunTaskAsync(RunTaskRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await aws.SendAsync<RunTaskRequest, RunTaskResponse>("RunTask", request, Json, cancellationToken);
        }
        catch (AwsRequestException ex) when (ex.Code == "ConflictException")
        {
            throw new EcsClientTokenConflictException(ex, ResourceIds(ex.Body));
        }
    }

    public Task<DescribeTasksResponse> DescribeTasksAsync(DescribeTasksRequest request, CancellationToken cancellationToken) =>
        aws.SendAsync<DescribeTasksRequest, DescribeTasksResponse>("DescribeTasks", request, Json, cancellationToken);

    public Task<StopTaskResponse> StopTaskAsync(StopTaskRequest request, CancellationToken cancellationToken) =>
        aws.SendAsync<StopTaskRequest, StopTaskResponse>("StopTask", request, Json, cancellationToken);

    public Task<ListTasksResponse> ListTasksAsync(ListTasksRequest request, CancellationToken cancellationToken) =>
        aws.SendAsync<ListTasksRequest, ListTasksResponse>("ListTasks", request, Json, cancellationToken);

    private static IReadOnlyList<string> ResourceIds(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("resourceIds", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? [.. ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
