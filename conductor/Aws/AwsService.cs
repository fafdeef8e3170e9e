namespace AgentConductor.Conductor.Aws;

/// <summary>
/// One AWS service spoken over the JSON protocol: the name it signs with, the prefix of its <c>X-Amz-Target</c>
/// header and its JSON version (the content type is <c>application/x-amz-json-{version}</c>).
/// </summary>
internal sealed record AwsService(string SigningName, string TargetPrefix, string JsonVersion)
{
    public static AwsService Ecs { get; } = new("ecs", "AmazonEC2ContainerServiceV20141113", "1.1");

    public string ContentType => $"application/x-amz-json-{JsonVersion}";
}
