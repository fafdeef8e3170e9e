using System.Globalization;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// What a worker costs per hour, from the size its launcher gave it: <c>VcpuHour</c> per vCPU plus <c>GibHour</c> per GiB
/// (Docker's <c>--cpus</c>/<c>--memory</c>, the ECS task's cpu/memory), or <c>ContainerHour</c> for a worker without a
/// size (a local process).
/// </summary>
internal static class ComputeRates
{
    /// <summary>The hourly price and how it was reached; null when the table has no price for this worker.</summary>
    public static ComputeRate? For(WorkerSize? size, ComputePriceOptions prices)
    {
        if (size is { } sized && prices is { VcpuHour: { } vcpu, GibHour: { } gib })
        {
            return new ComputeRate(Usd.ToNanos((sized.Vcpus * vcpu) + (sized.MemoryGib * gib)), sized.ToString());
        }

        return prices.ContainerHour is { } container ? new ComputeRate(Usd.ToNanos(container), size?.ToString() ?? "container") : null;
    }

    /// <summary>Why the launcher <paramref name="kind"/>'s workers cannot be priced; null when they can.</summary>
    public static string? MissingFor(string kind, ComputePriceOptions prices) => kind switch
    {
        LauncherOptions.Local when prices.ContainerHour is null =>
            "Prices:Compute:ContainerHour must be set with token prices (local workers are priced per container-hour; 0 if they cost nothing).",
        LauncherOptions.Docker or LauncherOptions.Ecs when prices.VcpuHour is null || prices.GibHour is null =>
            string.Create(CultureInfo.InvariantCulture, $"Prices:Compute:VcpuHour and Prices:Compute:GibHour must be set with token prices ({kind} workers are priced by their vCPUs and memory; 0 if they cost nothing)."),
        _ => null,
    };
}

/// <summary>A worker's price per hour in nano-dollars, and its size in words ("2 vCPU, 4 GiB" or "container").</summary>
internal sealed record ComputeRate(long NanosPerHour, string Size)
{
    /// <summary>What <paramref name="duration"/> of this worker costs, in nano-dollars.</summary>
    public long CostNanos(TimeSpan duration) => CostNanos(NanosPerHour, (long)duration.TotalMilliseconds);

    public static long CostNanos(long nanosPerHour, long milliseconds) =>
        decimal.ToInt64(decimal.Round((decimal)nanosPerHour * milliseconds / 3_600_000m, MidpointRounding.AwayFromZero));
}
