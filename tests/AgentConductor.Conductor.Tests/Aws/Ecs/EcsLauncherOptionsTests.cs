using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

public sealed class EcsLauncherOptionsTests
{
    [Fact]
    public void Validate_MinimalFargateSettings_Succeeds()
    {
        var options = new EcsLauncherOptions { Cluster = "agent-conductor", TaskDefinition = "agent-conductor-worker:7", Subnets = ["subnet-1"] };

        Assert.True(new EcsLauncherOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(("worker", "agent-conductor", "FARGATE"), (options.ContainerName, options.StartedBy, options.ResolveLaunchType()));
    }

    [Fact]
    public void Validate_ArnsForClusterAndTaskDefinition_Succeed() =>
        Assert.True(new EcsLauncherOptionsValidator().Validate(null, new EcsLauncherOptions
        {
            Cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/agents",
            TaskDefinition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/agent-worker:12",
            Subnets = ["subnet-1"],
            CapacityProviderStrategy = [new() { CapacityProvider = "FARGATE_SPOT", Weight = 1 }],
        }).Succeeded);

    [Fact]
    public void Validate_EveryBadSettingIsNamedAtOnce()
    {
        var result = new EcsLauncherOptionsValidator().Validate(null, new EcsLauncherOptions
        {
            Cluster = "",
            TaskDefinition = "worker:latest",
            ContainerName = "the worker",
            LaunchType = "SPOT",
            CapacityProviderStrategy = [new() { CapacityProvider = "FARGATE", Weight = 1001, Base = 1 }, new() { CapacityProvider = "FARGATE_SPOT", Base = 2 }],
            Subnets = [],
            SecurityGroups = ["1", "2", "3", "4", "5", "6"],
            StartedBy = "agent conductor",
            ServiceUrl = "ecs.local",
            Tags = [new() { Key = "aws:owner", Value = "x" }, new() { Key = "team", Value = "a,b" }, new() { Key = "agent-conductor:job-id", Value = "x" }],
            PropagateTags = "SERVICE",
        });

        string[] expected =
        [
            "EcsLauncher:Cluster", "EcsLauncher:TaskDefinition", "EcsLauncher:ContainerName", "EcsLauncher:LaunchType must be one of",
            "cannot both be set", "CapacityProviderStrategy:0:Weight", "only one capacity provider may have a Base", "EcsLauncher:Subnets",
            "EcsLauncher:SecurityGroups", "EcsLauncher:StartedBy", "EcsLauncher:ServiceUrl", "EcsLauncher:Tags:0: keys starting with 'aws:'",
            "EcsLauncher:Tags:1 needs a Key", "EcsLauncher:Tags:2: keys starting with", "EcsLauncher:PropagateTags",
        ];
        Assert.Equal(expected.Length, result.Failures!.Count());
        foreach (var part in expected)
        {
            Assert.Contains(result.Failures!, f => f.Contains(part, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("", "Dispatch:ConductorUrl must be set when Launcher:Kind is ecs")]
    [InlineData("http://127.0.0.1:5081", "is a loopback address")]
    [InlineData("http://localhost:5081", "is a loopback address")]
    [InlineData("http://0.0.0.0:5081", "is a loopback address")]
    public void DispatchValidator_AddressTasksCannotReach_IsRefused(string url, string expected) =>
        Assert.Contains(expected, new EcsDispatchOptionsValidator().Validate(null, new DispatchOptions { ConductorUrl = url }).FailureMessage, StringComparison.Ordinal);

    [Fact]
    public void DispatchValidator_PrivateAddress_Succeeds() =>
        Assert.True(new EcsDispatchOptionsValidator().Validate(null, new DispatchOptions { ConductorUrl = "http://10.0.1.20:5081" }).Succeeded);

    [Fact]
    public async Task Host_LauncherKindEcs_RegistersTheEcsLauncherOnTheSignedClient()
    {
        using var directory = new TempDirectory();
        await using var app = ConductorApplication.Build([.. Settings(directory), "--Dispatch:ConductorUrl=http://10.0.1.20:5081"]);

        Assert.IsType<EcsLauncher>(app.Services.GetRequiredService<ILauncher>());
        var endpoint = app.Services.GetRequiredService<EcsClient>().Endpoint;
        Assert.Equal(("ecs", "eu-west-1", "http://127.0.0.1:4599/"), (endpoint.Service.SigningName, endpoint.Region, endpoint.Url.ToString()));
    }

    [Fact]
    public async Task Host_LauncherKindEcsWithoutACallbackAddress_FailsValidation()
    {
        using var directory = new TempDirectory();
        await using var app = ConductorApplication.Build([.. Settings(directory), "--EcsLauncher:Subnets:0="]);

        var dispatch = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<DispatchOptions>>().Value);
        var ecs = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<EcsLauncherOptions>>().Value);

        Assert.Contains("Dispatch:ConductorUrl must be set", dispatch.Message, StringComparison.Ordinal);
        Assert.Contains("EcsLauncher:Subnets", ecs.Message, StringComparison.Ordinal);
    }

    private static string[] Settings(TempDirectory directory) =>
    [
        "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0", $"--Storage:DatabasePath={directory.File("c.db")}",
        "--Launcher:Kind=ecs", "--Aws:Region=eu-west-1", "--EcsLauncher:Cluster=agents", "--EcsLauncher:TaskDefinition=agent-worker",
        "--EcsLauncher:Subnets:0=subnet-1", "--EcsLauncher:ServiceUrl=http://127.0.0.1:4599/",
    ];
}
