namespace AgentConductor.Conductor.Costs;

/// <summary>
/// The price table (<c>Prices</c>): USD per million tokens for each model (<c>Prices:Models:&lt;model&gt;</c>) and for
/// any other (<c>Prices:Default</c>), and what a worker costs while it runs (<c>Prices:Compute</c>). No price is built
/// in: without a price a job's cost is unknown (null), never zero.
/// </summary>
internal sealed class PriceOptions
{
    public const string Section = "Prices";

    /// <summary>Token prices by model name as <c>Agent:Model</c> names it (compared case-insensitively).</summary>
    public Dictionary<string, TokenPriceOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The prices of a model without an entry of its own, and of the agent's default model (empty <c>Agent:Model</c>).</summary>
    public TokenPriceOptions? Default { get; set; }

    public ComputePriceOptions Compute { get; set; } = new();

    /// <summary>True when any token price is configured.</summary>
    public bool HasTokenPrices => Default is not null || Models.Count > 0;
}

/// <summary>USD per million tokens of each kind.</summary>
internal sealed class TokenPriceOptions
{
    /// <summary>Input tokens that are neither cached nor written to the cache.</summary>
    public decimal? Input { get; set; }

    /// <summary>Input tokens served from the prompt cache.</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    public decimal? CacheWriteInput { get; set; }

    /// <summary>Output tokens, reasoning included.</summary>
    public decimal? Output { get; set; }
}

/// <summary>
/// What a worker costs per hour: by its size (<c>VcpuHour</c> per vCPU plus <c>GibHour</c> per GiB of memory) where the
/// launcher gives workers a size (Docker, ECS), else <c>ContainerHour</c> (local worker processes).
/// </summary>
internal sealed class ComputePriceOptions
{
    public decimal? VcpuHour { get; set; }

    public decimal? GibHour { get; set; }

    public decimal? ContainerHour { get; set; }

    public bool IsEmpty => VcpuHour is null && GibHour is null && ContainerHour is null;
}
