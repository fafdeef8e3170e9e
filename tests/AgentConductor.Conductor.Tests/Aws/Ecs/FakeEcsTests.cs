using System.Text.Json;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>The fake ECS refuses what ECS refuses (so launcher tests passing against it mean something) and keeps ECS's promises.</summary>
public sealed class FakeEcsTests
{
    private const string Network = "\"networkConfiguration\":{\"awsvpcConfiguration\":{\"subnets\":[\"subnet-1\"]}}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"taskDefinition":"agent-conductor-worker","launchType":"FARGATE",NET}""", "ClusterNotFoundException", "Cluster not found.")]
    [InlineData("""{"cluster":"agent-conductor","launchType":"FARGATE",NET}""", "InvalidParameterException", "RunTask.taskDefinition is required")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE"}""", "InvalidParameterException", "Network Configuration must be provided")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","subnets":["subnet-1"],NET}""", "SerializationException", "unknown field 'subnets'")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","count":"1",NET}""", "SerializationException", "RunTask.count must be an integer")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","count":11,NET}""", "InvalidParameterException", "between 1 and 10")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"fargate",NET}""", "InvalidParameterException", "RunTask.launchType must be one of")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker",NET}""", "InvalidParameterException", "no launchType or capacityProviderStrategy")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","capacityProviderStrategy":[{"capacityProvider":"FARGATE"}],NET}""", "InvalidParameterException", "both a launchType and a capacityProviderStrategy")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","capacityProviderStrategy":[{"capacityProvider":"FARGATE","base":1},{"capacityProvider":"FARGATE_SPOT","base":1}],NET}""", "InvalidParameterException", "at most one with a base")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"assignPublicIp":"YES"}}}""", "InvalidParameterException", "assignPublicIp must be one of ENABLED, DISABLED")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["a","b","c","d","e","f"]}}}""", "InvalidParameterException", "securityGroups has 6 entries")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","startedBy":"agent-conductor-with-a-name-over-36-chars",NET}""", "InvalidParameterException", "RunTask.startedBy is 41 characters")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","startedBy":"agent conductor",NET}""", "InvalidParameterException", "may hold only letters")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","clientToken":"has a space",NET}""", "InvalidParameterException", "clientToken must be 1-64 ASCII characters")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","tags":[{"key":"aws:team","value":"x"}],NET}""", "InvalidParameterException", "reserved or appears twice")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","tags":[{"key":"team","value":"a,b"}],NET}""", "InvalidParameterException", "holds characters tags do not allow")]
    [InlineData("""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE","overrides":{"containerOverrides":[{"name":"worker","env":[]}]},NET}""", "SerializationException", "unknown field 'env'")]
    public async Task RunTask_InvalidRequest_IsRefusedAsEcsWouldAndRecorded(string body, string code, string message)
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<AwsRequestException>(() => SendAsync(bed, "RunTask", body.Replace("NET", Network, StringComparison.Ordinal)));

        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.AwsMessage, StringComparison.Ordinal);
        Assert.Contains(message, Assert.Single(bed.Ecs.Problems), StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Tasks);
    }

    [Fact]
    public async Task RunTask_OverridesOver8192Characters_IsRefused()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var value = new string('v', 8200);
        var body = $$$"""{"cluster":"agent-conductor","taskDefinition":"agent-conductor-worker","launchType":"FARGATE",{{{Network}}},"overrides":{"containerOverrides":[{"name":"worker","environment":[{"name":"BIG","value":"{{{value}}}"}]}]}}""";

        var error = await Assert.ThrowsAsync<AwsRequestException>(() => SendAsync(bed, "RunTask", body));

        Assert.Contains("Container Overrides length must be at most 8192", error.AwsMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTask_ClientTokenReusedWithOtherParameters_IsAConflictNamingTheEarlierTasks()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var request = EcsRunTaskRequests.Build(bed.Options, EcsTestbed.Request(), 1);
        var first = await bed.Client.RunTaskAsync(request, Ct);

        var conflict = await Assert.ThrowsAsync<EcsClientTokenConflictException>(() => bed.Client.RunTaskAsync(request with { StartedBy = "other" }, Ct));
        var repeat = await bed.Client.RunTaskAsync(request, Ct);

        Assert.Equal([first.Tasks[0].TaskArn], conflict.TaskArns);
        Assert.Equal(first.Tasks[0].TaskArn, Assert.Single(repeat.Tasks).TaskArn);
        Assert.Single(bed.Ecs.Tasks);
        bed.AssertAllRequestsValid();
    }

    [Fact]
    public async Task RunTask_ClientTokenAfterADay_StartsANewTask()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var ecs = await FakeEcs.StartAsync(time: time, cancellationToken: Ct);
        using var http = new HttpClient();
        var client = new EcsClient(new AwsJsonClient(
            http, AwsEndpoint.Resolve(AwsService.Ecs, ecs.Region, ecs.Url.ToString()), new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey),
            AwsRetryPolicy.Default, time, new ListLogger<AwsJsonClient>()));
        var options = new EcsLauncherOptions { Cluster = "agent-conductor", TaskDefinition = FakeEcs.WorkerFamily, Subnets = ["subnet-1"] };
        var request = EcsRunTaskRequests.Build(options, EcsTestbed.Request(), 1);
        await client.RunTaskAsync(request, Ct);

        time.Advance(TimeSpan.FromHours(24));
        await client.RunTaskAsync(request with { StartedBy = "other" }, Ct);

        Assert.Equal(2, ecs.Tasks.Count);
    }

    [Fact]
    public async Task ListTasks_StartedByWithAnotherFilterOrAForeignNextToken_IsRefused()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var combined = await Assert.ThrowsAsync<AwsRequestException>(() =>
            SendAsync(bed, "ListTasks", """{"cluster":"agent-conductor","startedBy":"agent-conductor","family":"agent-conductor-worker"}"""));
        var withStatus = await Assert.ThrowsAsync<AwsRequestException>(() =>
            SendAsync(bed, "ListTasks", """{"cluster":"agent-conductor","startedBy":"agent-conductor","desiredStatus":"STOPPED"}"""));
        var token = Convert.ToBase64String("0#other|RUNNING||"u8);
        var foreign = await Assert.ThrowsAsync<AwsRequestException>(() =>
            SendAsync(bed, "ListTasks", $$"""{"cluster":"agent-conductor","startedBy":"agent-conductor","nextToken":"{{token}}"}"""));

        Assert.All([combined, withStatus], e => Assert.Contains("startedBy is the filter it must be the only filter", e.AwsMessage, StringComparison.Ordinal));
        Assert.Contains("Invalid nextToken", foreign.AwsMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeAndStop_UnknownFieldsAndLimits_AreRefused()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var tasks = string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"t{i}\""));

        var tooMany = await Assert.ThrowsAsync<AwsRequestException>(() => SendAsync(bed, "DescribeTasks", $$"""{"cluster":"agent-conductor","tasks":[{{tasks}}]}"""));
        var include = await Assert.ThrowsAsync<AwsRequestException>(() => SendAsync(bed, "DescribeTasks", """{"cluster":"agent-conductor","tasks":["t"],"include":["TAG"]}"""));
        var reason = await Assert.ThrowsAsync<AwsRequestException>(() =>
            SendAsync(bed, "StopTask", $$"""{"cluster":"agent-conductor","task":"t","reason":"{{new string('r', 256)}}"}"""));

        Assert.Contains("tasks has 101 entries", tooMany.AwsMessage, StringComparison.Ordinal);
        Assert.Contains("include must be one of TAGS", include.AwsMessage, StringComparison.Ordinal);
        Assert.Contains("reason is 256 characters", reason.AwsMessage, StringComparison.Ordinal);
    }

    private static Task<JsonElement> SendAsync(EcsTestbed bed, string operation, string body) =>
        bed.Aws.SendAsync<JsonElement, JsonElement>(operation, JsonDocument.Parse(body).RootElement, EcsClient.Json, Ct);
}
