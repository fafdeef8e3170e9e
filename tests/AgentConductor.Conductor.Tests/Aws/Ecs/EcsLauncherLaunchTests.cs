using System.Text.Json.Nodes;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>RunTask through the launcher against the strict fake ECS: the request, idempotency, and how failures are classified.</summary>
public sealed class EcsLauncherLaunchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Launch_FargateDefaults_SendsTheExactRunTaskAndReturnsTheTaskArn()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);

        bed.AssertAllRequestsValid();
        var task = Assert.Single(bed.Ecs.Tasks);
        Assert.Equal(task.Arn, worker.Reference);
        Assert.Equal(("PROVISIONING", "FARGATE", "agent-conductor"), (task.LastStatus, task.LaunchType, task.StartedBy));
        Assert.Equal(new WorkerSize(1, 2), worker.Size); // the task's cpu "1024" and memory "2048" as RunTask answered them
        var expected = JsonNode.Parse($$"""
            {
              "cluster": "agent-conductor", "taskDefinition": "agent-conductor-worker", "count": 1, "launchType": "FARGATE",
              "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0123456789abcdef0"], "assignPublicIp": "DISABLED" } },
              "overrides": { "containerOverrides": [ { "name": "worker", "environment": [
                { "name": "CONDUCTOR_URL", "value": "{{EcsTestbed.ConductorUrl}}" },
                { "name": "JOB_ID", "value": "{{EcsTestbed.JobId}}" },
                { "name": "JOB_TOKEN", "value": "{{EcsTestbed.Token}}" } ] } ] },
              "tags": [
                { "key": "agent-conductor:job-id", "value": "{{EcsTestbed.JobId}}" }, { "key": "agent-conductor:attempt", "value": "0" },
                { "key": "agent-conductor:kind", "value": "ticket" }, { "key": "agent-conductor:subject", "value": "PAY-7" } ],
              "startedBy": "agent-conductor",
              "clientToken": "{{EcsTestbed.JobId}}-0-1"
            }
            """);
        var sent = JsonNode.Parse(Assert.Single(bed.Ecs.Requests("RunTask")).GetRawText());
        Assert.True(JsonNode.DeepEquals(expected, sent), sent!.ToJsonString());
        Assert.DoesNotContain(bed.Log.Entries, e => e.Message.Contains(EcsTestbed.Token, StringComparison.Ordinal));
        Assert.Equal(1, bed.Log.Count("EcsTaskStarted"));
    }

    [Fact]
    public async Task Launch_CapacityProviderStrategyAndExtras_SendsThemInsteadOfALaunchType()
    {
        await using var bed = await EcsTestbed.StartAsync(
            o =>
            {
                o.TaskDefinition = FakeEcs.WorkerFamily + ":2";
                o.CapacityProviderStrategy = [new() { CapacityProvider = "FARGATE_SPOT", Weight = 3 }, new() { CapacityProvider = "FARGATE", Weight = 1, Base = 1 }];
                o.AssignPublicIp = true;
                o.SecurityGroups = [];
                o.Tags = [new() { Key = "team", Value = "platform" }];
                o.PropagateTags = "TASK_DEFINITION";
                o.EnableExecuteCommand = true;
            },
            cancellationToken: Ct);

        await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);

        bed.AssertAllRequestsValid();
        var sent = Assert.Single(bed.Ecs.Requests("RunTask"));
        Assert.False(sent.TryGetProperty("launchType", out _));
        Assert.Equal(
            """[{"capacityProvider":"FARGATE_SPOT","weight":3},{"capacityProvider":"FARGATE","weight":1,"base":1}]""",
            sent.GetProperty("capacityProviderStrategy").GetRawText());
        Assert.Equal("""{"subnets":["subnet-0a1b2c3d"],"assignPublicIp":"ENABLED"}""", sent.GetProperty("networkConfiguration").GetProperty("awsvpcConfiguration").GetRawText());
        Assert.Equal(("TASK_DEFINITION", true), (sent.GetProperty("propagateTags").GetString(), sent.GetProperty("enableExecuteCommand").GetBoolean()));
        var task = Assert.Single(bed.Ecs.Tasks);
        Assert.Equal(("FARGATE", "platform"), (task.CapacityProviderName, task.Tags["team"]));
        Assert.EndsWith(":task-definition/agent-conductor-worker:2", task.TaskDefinitionArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_AnswerLostAfterTheTaskStarted_TheRetryMapsOntoTheSameTask()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        bed.Ecs.FailAfterStartingNextTask();

        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);

        Assert.Equal(Assert.Single(bed.Ecs.Tasks).Arn, worker.Reference);
        var requests = bed.Ecs.Requests("RunTask");
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].GetRawText(), requests[1].GetRawText());
        bed.AssertAllRequestsValid();
    }

    [Fact]
    public async Task Launch_SameRequestTwice_ReturnsTheSameTask()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        var first = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        var second = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);

        Assert.Equal(first.Reference, second.Reference);
        Assert.Single(bed.Ecs.Tasks);
    }

    [Fact]
    public async Task Launch_RelaunchWithANewJobToken_StopsTheStaleTaskAndStartsOneWithTheNewToken()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var first = await bed.Launcher.LaunchAsync(EcsTestbed.Request(token: "token-of-launch-1"), Ct);

        var second = await bed.Launcher.LaunchAsync(EcsTestbed.Request(token: "token-of-launch-2"), Ct);
        var third = await bed.Launcher.LaunchAsync(EcsTestbed.Request(token: "token-of-launch-3"), Ct);

        bed.AssertAllRequestsValid();
        var tasks = bed.Ecs.Tasks;
        Assert.Equal([first.Reference, second.Reference, third.Reference], tasks.Select(t => t.Arn));
        Assert.Equal(["token-of-launch-1", "token-of-launch-2", "token-of-launch-3"], tasks.Select(t => t.Environment["JOB_TOKEN"]));
        Assert.Equal([$"{EcsTestbed.JobId}-0-1", $"{EcsTestbed.JobId}-0-2", $"{EcsTestbed.JobId}-0-3"], tasks.Select(t => t.ClientToken));
        Assert.Equal(["STOPPED", "STOPPED", "RUNNING"], tasks.Select(t => t.DesiredStatus));
        Assert.All(tasks[0].StopReasons.Concat(tasks[1].StopReasons), r => Assert.Equal(EcsLauncher.SupersededReason, r));
        Assert.Equal(3, bed.Log.Count("EcsTaskSuperseded")); // the third launch meets both earlier tokens
    }

    [Fact]
    public async Task Launch_NewAttempt_StartsANewTaskUnderItsOwnClientToken()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var lost = await bed.Launcher.LaunchAsync(EcsTestbed.Request(attempt: 0, token: "attempt-0"), Ct);

        var retry = await bed.Launcher.LaunchAsync(EcsTestbed.Request(attempt: 1, token: "attempt-1"), Ct);

        Assert.NotEqual(lost.Reference, retry.Reference);
        Assert.Equal($"{EcsTestbed.JobId}-1-1", bed.Ecs.Tasks[1].ClientToken);
        Assert.Equal("1", bed.Ecs.Tasks[1].Tags["agent-conductor:attempt"]);
        Assert.Empty(bed.Ecs.Requests("StopTask"));
    }

    [Fact]
    public async Task Launch_CapacityFailure_IsRetryableWithEcsReasonAndTheNextLaunchStartsTheTask()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        bed.Ecs.FailNextRunTask("RESOURCE:MEMORY", "no container instance met all of its requirements");

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(token: "first"), Ct));
        await bed.Launcher.LaunchAsync(EcsTestbed.Request(token: "second"), Ct);

        Assert.True(error.Retryable);
        Assert.Equal("ECS could not start the task: RESOURCE:MEMORY (no container instance met all of its requirements)", error.Message);
        Assert.Equal("second", Assert.Single(bed.Ecs.Tasks).Environment["JOB_TOKEN"]);
    }

    [Fact]
    public async Task Launch_ThrottledOnEveryTry_IsRetryable()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        bed.Ecs.ThrottleNext("RunTask", times: 3);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.True(error.Retryable);
        Assert.Contains("ThrottlingException: Rate exceeded", error.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Tasks);
        Assert.Equal(3, bed.Ecs.Requests("RunTask").Count);
    }

    [Theory]
    [InlineData("agent-conductor-worker:9", "worker", "ECS rejected RunTask: ClientException: Unable to describe task definition 'agent-conductor-worker:9'.")]
    [InlineData("agent-conductor-worker", "agent", "ECS rejected RunTask: InvalidParameterException: Override for container named agent is not a container in the TaskDefinition.")]
    public async Task Launch_InvalidConfiguration_FailsWithTheAwsMessageAndIsNotRetried(string taskDefinition, string container, string expected)
    {
        await using var bed = await EcsTestbed.StartAsync(o => (o.TaskDefinition, o.ContainerName) = (taskDefinition, container), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.False(error.Retryable);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Single(bed.Ecs.Requests("RunTask"));
        Assert.Empty(bed.Ecs.Tasks);
    }

    [Fact]
    public async Task Launch_NotAuthorized_FailsNamingThePermissions()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        bed.Ecs.RejectNext("RunTask", "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/conductor is not authorized to perform: ecs:RunTask");

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.False(error.Retryable);
        Assert.Contains("is not authorized to perform: ecs:RunTask", error.Message, StringComparison.Ordinal);
        Assert.Contains("iam:PassRole", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_WrongSecretKey_IsRefusedByTheSignatureCheckAndNotRetried()
    {
        await using var bed = await EcsTestbed.StartAsync(credentials: new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, "wrong-secret"), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.False(error.Retryable);
        Assert.Contains("InvalidSignatureException", error.Message, StringComparison.Ordinal);
        Assert.Single(bed.Ecs.ProtocolFailures);
    }

    [Fact]
    public async Task Launch_OverridesOverEcsLimit_FailsBeforeCallingEcs()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);
        var longUrl = "http://conductor.internal:5081/" + new string('x', 8100);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(conductorUrl: longUrl), Ct));

        Assert.False(error.Retryable);
        Assert.Contains("ECS allows 8192", error.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Requests("RunTask"));
    }

    [Fact]
    public async Task Launch_EndpointUnreachable_IsRetryable()
    {
        await using var bed = await EcsTestbed.StartAsync(serviceUrl: $"http://127.0.0.1:{FreePort.Next()}/", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.True(error.Retryable);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientToken_LongestJobIdAndAttempt_FitsEcsLimit() =>
        Assert.True(EcsRunTaskRequests.ClientToken(EcsTestbed.JobId, 99, EcsLauncher.MaxLaunchesPerAttempt).Length <= 64);
}
