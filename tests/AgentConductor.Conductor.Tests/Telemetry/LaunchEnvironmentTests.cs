using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Docker;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>Every launcher hands a traced launch's context to its worker as TRACEPARENT, and nothing when it is not traced.</summary>
public sealed class LaunchEnvironmentTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly LaunchRequest Untraced = new("01job", 1, "tok-secret", "http://127.0.0.1:5081", "https://github.example/acme/app.git", "main");

    [Fact]
    public void WorkerEnvironment_TracedLaunch_AddsTraceParentAfterTheJobsVariables()
    {
        Assert.Equal(
            ["CONDUCTOR_URL", "JOB_ID", "JOB_TOKEN", "TRACEPARENT"],
            (Untraced with { TraceParent = TraceParent }).WorkerEnvironment().Select(v => v.Key));
        Assert.Equal(TraceParent, (Untraced with { TraceParent = TraceParent }).WorkerEnvironment().Last().Value);
        Assert.Equal(["CONDUCTOR_URL", "JOB_ID", "JOB_TOKEN"], Untraced.WorkerEnvironment().Select(v => v.Key));
    }

    [Fact]
    public void DockerRun_TracedLaunch_PassesTraceParentByNameWithItsValueInTheEnvironment()
    {
        var options = new DockerLauncherOptions { Image = "worker:test", Environment = ["TRACEPARENT=00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01"] };

        var traced = DockerRunCommand.For(options, Untraced with { TraceParent = TraceParent });
        var untraced = DockerRunCommand.For(new DockerLauncherOptions { Image = "worker:test" }, Untraced);

        Assert.Equal(TraceParent, traced.Environment["TRACEPARENT"]); // the launch's own, over an operator's setting
        Assert.Contains("--env TRACEPARENT", string.Join(' ', traced.Arguments), StringComparison.Ordinal);
        Assert.DoesNotContain(traced.Arguments, a => a.Contains(TraceParent, StringComparison.Ordinal));
        Assert.DoesNotContain("TRACEPARENT", untraced.Arguments);
        Assert.False(untraced.Environment.ContainsKey("TRACEPARENT"));
    }

    [Fact]
    public void EcsRunTask_TracedLaunch_CarriesTraceParentInTheContainerOverride()
    {
        var options = new EcsLauncherOptions { Cluster = "c", TaskDefinition = "td", Subnets = ["subnet-1"] };

        var request = EcsRunTaskRequests.Build(options, Untraced with { TraceParent = TraceParent }, 1);

        var environment = Assert.Single(request.Overrides!.ContainerOverrides).Environment!;
        Assert.Contains(environment, v => v.Name == "TRACEPARENT" && v.Value == TraceParent);
    }
}
