using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>A worker's price follows its launcher: by vCPUs and memory where it has a size (Docker, ECS), per container-hour where not.</summary>
public sealed class ComputeRatesTests
{
    private static readonly ComputePriceOptions Fargate = new() { VcpuHour = 0.04048m, GibHour = 0.004445m, ContainerHour = 0.5m };

    [Fact]
    public void For_SizedWorker_VcpusAndGibAtTheirPrices()
    {
        var rate = ComputeRates.For(new WorkerSize(2, 4), Fargate);

        Assert.Equal((98_740_000L, "2 vCPU, 4 GiB"), (rate?.NanosPerHour, rate?.Size)); // 2 * 0.04048 + 4 * 0.004445
    }

    [Fact]
    public void For_WorkerWithoutSize_ContainerHour()
    {
        Assert.Equal((500_000_000L, "container"), (ComputeRates.For(null, Fargate)?.NanosPerHour, ComputeRates.For(null, Fargate)?.Size));
        Assert.Null(ComputeRates.For(null, new ComputePriceOptions { VcpuHour = 1, GibHour = 1 }));
        Assert.Null(ComputeRates.For(new WorkerSize(1, 2), new ComputePriceOptions()));
    }

    [Fact]
    public void CostNanos_ProportionalToTime()
    {
        Assert.Equal(60_000_000, new ComputeRate(360_000_000, "container").CostNanos(TimeSpan.FromMinutes(10)));
        Assert.Equal(0, new ComputeRate(360_000_000, "container").CostNanos(TimeSpan.Zero));
    }

    [Theory]
    [InlineData("local", null, null, 0.1, null)]
    [InlineData("local", 1.0, 1.0, null, "Prices:Compute:ContainerHour must be set")]
    [InlineData("docker", 1.0, 1.0, null, null)]
    [InlineData("docker", null, 1.0, 1.0, "Prices:Compute:VcpuHour and Prices:Compute:GibHour must be set")]
    [InlineData("ecs", 1.0, null, null, "Prices:Compute:VcpuHour and Prices:Compute:GibHour must be set")]
    public void MissingFor_EachLauncherNeedsItsPrice(string kind, double? vcpu, double? gib, double? container, string? expected)
    {
        var prices = new ComputePriceOptions { VcpuHour = (decimal?)vcpu, GibHour = (decimal?)gib, ContainerHour = (decimal?)container };

        var missing = ComputeRates.MissingFor(kind, prices);

        if (expected is null)
        {
            Assert.Null(missing);
        }
        else
        {
            Assert.StartsWith(expected, missing, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("4g", "4")]
    [InlineData("512m", "0.5")]
    [InlineData("1048576k", "1")]
    [InlineData("2147483648", "2")]
    [InlineData("2147483648b", "2")]
    [InlineData("lots", null)]
    public void DockerMemoryGib_EveryUnitDockerTakes(string memory, string? gib)
    {
        Assert.Equal(gib is null ? null : decimal.Parse(gib, System.Globalization.CultureInfo.InvariantCulture), WorkerSize.DockerMemoryGib(memory));
    }

    [Fact]
    public void FromEcs_CpuUnitsAndMib()
    {
        Assert.Equal(new WorkerSize(0.25m, 0.5m), WorkerSize.FromEcs("256", "512"));
        Assert.Null(WorkerSize.FromEcs(null, "512"));
        Assert.Null(WorkerSize.FromEcs("1 vCPU", "2 GB"));
    }

    [Fact]
    public void Split_AtUtcMidnights()
    {
        var from = new DateTimeOffset(2026, 11, 2, 23, 0, 0, TimeSpan.Zero);

        Assert.Equal(
            [(new DateOnly(2026, 11, 2), 3_600_000L), (new DateOnly(2026, 11, 3), 86_400_000L), (new DateOnly(2026, 11, 4), 1_800_000L)],
            UtcDays.Split(from, from.AddHours(25.5)));
        Assert.Empty(UtcDays.Split(from, from));
        // A local offset is the same instant: days are UTC days.
        Assert.Equal([(new DateOnly(2026, 11, 2), 1_800_000L)], UtcDays.Split(from.ToOffset(TimeSpan.FromHours(5)), from.AddMinutes(30)));
    }
}
