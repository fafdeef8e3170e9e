using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Api;

/// <summary>The <c>send</c> command against a real conductor: samples, files, and refusals.</summary>
public sealed class SendCommandTests
{
    [Fact]
    public async Task Send_SampleAlarmBurst_OpensOneIncident()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (exit, stdout, _) = await ConductorProcess.RunAsync(["send", "--sample", "alarms", "--count", "5", "--url", host.ApiAddress.ToString()]);

        Assert.Equal(0, exit);
        Assert.Equal(5, stdout.Split('\n').Count(l => l.Contains(" 202 ", StringComparison.Ordinal)));
        using var incidents = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/incidents", TestContext.Current.CancellationToken));
        Assert.Equal(5, Assert.Single(incidents.RootElement.GetProperty("incidents").EnumerateArray()).GetProperty("alarms").GetInt32());
    }

    [Fact]
    public async Task Send_SharedSampleFiles_StoresTicketsAndAlarms()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var samples = Directory.GetFiles(RepoPaths.SharedSamples, "*.json");

        var (exit, _, _) = await ConductorProcess.RunAsync(["send", "--url", host.ApiAddress.ToString(), .. samples]);

        Assert.Equal(0, exit);
        using var status = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/status", TestContext.Current.CancellationToken));
        Assert.Equal(3, status.RootElement.GetProperty("pendingJobs").GetInt64());
    }

    [Fact]
    public async Task Send_RejectedMessage_ExitsOne()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = host.Directory.File("bad.json");
        File.WriteAllText(file, "[1, 2, 3]");

        var (exit, stdout, _) = await ConductorProcess.RunAsync(["send", file, "--url", host.ApiAddress.ToString()]);

        Assert.Equal(1, exit);
        Assert.Contains("unknown_shape", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NoConductorListening_ExitsOneWithReason()
    {
        var (exit, _, stderr) = await ConductorProcess.RunAsync(["send", "--sample", "ticket", "--url", "http://127.0.0.1:1"]);

        Assert.Equal(1, exit);
        Assert.Contains("cannot reach the conductor", stderr, StringComparison.Ordinal);
    }
}
