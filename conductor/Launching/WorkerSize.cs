using System.Globalization;

namespace AgentConductor.Conductor.Launching;

/// <summary>The resources a launcher gave a worker; what its compute price follows.</summary>
internal sealed record WorkerSize(decimal Vcpus, decimal MemoryGib)
{
    /// <summary>ECS's task size: CPU units (1024 per vCPU) and MiB, as strings ("1024", "2048"); null when either is missing or not a number.</summary>
    public static WorkerSize? FromEcs(string? cpuUnits, string? memoryMib) =>
        decimal.TryParse(cpuUnits, NumberStyles.Number, CultureInfo.InvariantCulture, out var cpu) && cpu > 0
        && decimal.TryParse(memoryMib, NumberStyles.Number, CultureInfo.InvariantCulture, out var memory) && memory > 0
            ? new WorkerSize(cpu / 1024m, memory / 1024m)
            : null;

    /// <summary>Docker's <c>--memory</c> (a number with an optional unit b, k, m or g, binary multiples) in GiB; null when it does not parse.</summary>
    public static decimal? DockerMemoryGib(string? memory)
    {
        if (string.IsNullOrEmpty(memory))
        {
            return null;
        }

        var unit = char.ToLowerInvariant(memory[^1]);
        var number = char.IsDigit(unit) ? memory : memory[..^1];
        var divisor = unit switch
        {
            'k' => 1024m * 1024m,
            'm' => 1024m,
            'g' => 1m,
            _ => 1024m * 1024m * 1024m,
        };
        return decimal.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value / divisor : null;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Vcpus.ToString("0.###", CultureInfo.InvariantCulture)} vCPU, {MemoryGib.ToString("0.###", CultureInfo.InvariantCulture)} GiB");
}
