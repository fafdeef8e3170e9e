using System.Text.Json;
using AgentConductor.TestSupport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Hosting;

/// <summary>The settings that keep a conductor with thousands of worker connections small (docs/benchmarks.md).</summary>
public sealed class MemorySettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kestrel_EveryWorkerConnection_KeepsNoResponseHeaderTable()
    {
        await using var host = await ConductorHost.StartAsync([], cancellationToken: Ct);

        var kestrel = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        // Each worker holds its own HTTP/2 connection; the table would cost about 2 KiB of each (docs/benchmarks.md).
        Assert.False(kestrel.AllowResponseHeaderCompression);
    }

    [Fact]
    public void Runtime_TheConductorsBuild_ConservesMemoryOnWorkstationGc()
    {
        // The conductor's own runtimeconfig.json, copied beside this test as it is beside the published conductor.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "AgentConductor.Conductor.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(9, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
