using System.Text.Json;
using System.Text.Json.Nodes;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>scripts/ssm-deploy.sh against a strict fake <c>aws</c> (tests/tools/fake-aws.js) first on PATH.</summary>
public sealed class SsmDeployTests : IDisposable
{
    private const string Instance = "i-0123456789abcdef0";
    private const string Script = "/opt/agent-conductor/scripts/deploy-conductor.sh";
    private readonly TempDirectory _directory = new();
    private readonly FakeCli _aws;

    public SsmDeployTests() => _aws = new FakeCli(_directory, "aws");

    private IReadOnlyList<JsonObject> Calls => _aws.Calls;

    [Fact]
    public async Task Deploy_InProgressThenSuccess_FindsTheHostSendsTheDeployAndPrintsItsOutput()
    {
        var plan = Plan(
            [["Pending", "Pending", -1], ["InProgress", "InProgress", -1], ["InProgress", "InProgress", -1], ["Success", "Success", 0]],
            notYet: 1);
        plan["stdout"] = "deploy: deployed the conductor v2";

        var result = await RunAsync(plan, "--tag", "v2", "--drain-timeout", "60", "--poll", "0.05");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
        Assert.Equal(
            ["ec2 describe-instances", "ssm send-command", .. Enumerable.Repeat("ssm get-command-invocation", 7)],
            Calls.Select(c => $"{c["argv"]![0]} {c["argv"]![1]}"));
        Assert.Contains($"conductor host: {Instance}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("InvocationDoesNotExist", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("InProgress (InProgress) after", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("deploy: deployed the conductor v2", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"deployed v2 on {Instance}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_DrainLongerThanTheCliWaiter_KeepsPollingUntilItEnds()
    {
        // 40 polls: the CLI's command-executed waiter gives up after 20 (5 s apart).
        var plan = Plan([.. Enumerable.Repeat<object[]>(["InProgress", "InProgress", -1], 40), ["Success", "Success", 0]]);

        var result = await RunAsync(plan, "--tag", "v2", "--drain-timeout", "60", "--poll", "0.01");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
        Assert.Equal(41 + 2, Calls.Count(c => c["argv"]![1]!.GetValue<string>() == "get-command-invocation"));
    }

    [Theory]
    [InlineData("Failed", "Failed", 3)]
    [InlineData("TimedOut", "Execution Timed Out", -1)]
    [InlineData("Cancelled", "Cancelled", -1)]
    public async Task Deploy_RemoteDeployDidNotSucceed_PrintsItsOutputAndFails(string status, string details, int code)
    {
        var plan = Plan([["InProgress", "InProgress", -1], [status, details, code]]);
        plan["stderr"] = "deploy: FAILED: the conductor v1 did not drain within 60s";

        var result = await RunAsync(plan, "--tag", "v2", "--drain-timeout", "60", "--poll", "0.05");

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertNoRejectedCall();
        Assert.Contains("the conductor v1 did not drain within 60s", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ended {status} ({details}, exit code {code})", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_StillRunningWhenTheTimeoutPasses_SaysWhereToLookAndLeavesItRunning()
    {
        var plan = Plan([["InProgress", "InProgress", -1]]);

        var result = await RunAsync(plan, "--tag", "v2", "--drain-timeout", "60", "--timeout", "1", "--poll", "0.1");

        Assert.True(result.ExitCode == 4, result.ToString());
        AssertNoRejectedCall();
        Assert.Contains("still running after 1s", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"--instance-id {Instance}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c["argv"]!.ToJsonString().Contains("Content", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_WithRegionInstanceTagAndArchive_PassesThemOn()
    {
        var plan = Plan([["Success", "Success", 0]]);
        plan["region"] = "eu-west-1";
        plan["instanceTag"] = "Role=conductor";
        plan["command"] = $"{Script} --tag 2026.11.2-abc --drain-timeout 7200 --archive /var/tmp/images.tar";
        plan["executionTimeout"] = "8100";

        var result = await RunAsync(
            plan, "--tag", "2026.11.2-abc", "--region", "eu-west-1", "--instance-tag", "Role=conductor", "--drain-timeout", "7200", "--archive", "/var/tmp/images.tar", "--poll", "0.05");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
    }

    [Fact]
    public async Task Deploy_InstanceIdGiven_DoesNotLookItUp()
    {
        var plan = Plan([["Success", "Success", 0]]);
        plan["instances"] = new JsonArray();

        var result = await RunAsync(plan, "--tag", "v2", "--instance-id", Instance, "--drain-timeout", "60", "--poll", "0.05");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
        Assert.DoesNotContain(Calls, c => c["argv"]![0]!.GetValue<string>() == "ec2");
    }

    [Theory]
    [InlineData(0, "no running instance is tagged Name=agent-conductor")]
    [InlineData(2, "2 running instances are tagged Name=agent-conductor")]
    public async Task Deploy_NotExactlyOneInstance_SendsNothing(int instances, string message)
    {
        var plan = Plan([["Success", "Success", 0]]);
        plan["instances"] = new JsonArray([.. Enumerable.Range(0, instances).Select(i => JsonValue.Create($"i-0000000000000000{i}"))]);

        var result = await RunAsync(plan, "--tag", "v2");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(Calls);
    }

    [Theory]
    [InlineData("--tag", "v2;reboot")]
    [InlineData("--tag", "v2", "--script", "deploy.sh")]
    [InlineData("--tag", "v2", "--archive", "/tmp/a b.tar")]
    [InlineData("--tag", "v2", "--instance-id", "i-nothex")]
    [InlineData("--tag", "v2", "--drain-timeout", "200000")]
    [InlineData("--tag")]
    public async Task Deploy_BadArguments_CallNothing(params string[] arguments)
    {
        var result = await RunAsync(Plan([["Success", "Success", 0]]), arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(Calls);
    }

    public void Dispose() => _directory.Dispose();

    private static JsonObject Plan(object[][] invocations, int notYet = 0) => new()
    {
        ["region"] = null,
        ["instanceTag"] = "Name=agent-conductor",
        ["instances"] = new JsonArray(Instance),
        ["instanceId"] = Instance,
        ["command"] = $"{Script} --tag v2 --drain-timeout 60",
        ["executionTimeout"] = "960",
        ["deliveryTimeout"] = "600",
        ["notYet"] = notYet,
        ["invocations"] = JsonSerializer.SerializeToNode(invocations),
        ["stdout"] = "",
        ["stderr"] = "",
    };

    private async Task<ProcessRun.Result> RunAsync(JsonObject plan, params string[] arguments)
    {
        File.WriteAllText(_directory.File("plan.json"), plan.ToJsonString());
        return await ScriptRun.RunAsync(
            "scripts/ssm-deploy.sh",
            arguments,
            new Dictionary<string, string?>
            {
                ["PATH"] = _aws.SearchPath,
                ["FAKE_AWS_PLAN"] = _directory.File("plan.json"),
                ["FAKE_AWS_STATE"] = _aws.StateFolder,
            },
            TestContext.Current.CancellationToken);
    }

    private void AssertNoRejectedCall() => _aws.AssertNoRejectedCall();
}
