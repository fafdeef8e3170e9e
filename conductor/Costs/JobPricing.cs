using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// What a job is charged at and may spend, fixed on the job row when it is launched (each attempt) so that the worker's
/// spec, the conductor's tallies and a later price change all agree on the job's cost.
/// </summary>
/// <param name="Model">The model the worker is told to use; null for the agent's default.</param>
/// <param name="Tokens">The token prices; null when the table has none for the model (cost unknown).</param>
/// <param name="Compute">The worker's price per hour; null when unknown.</param>
/// <param name="MaxCostNanos">Budget:MaxCostPerJob; given only with token prices.</param>
/// <param name="MaxTokens">Budget:MaxTokensPerJob.</param>
internal sealed record JobPricing(string? Model, TokenPrices? Tokens, ComputeRate? Compute, long? MaxCostNanos, long? MaxTokens)
{
    /// <summary>The <c>SET</c> list that stores it (parameters from <see cref="Parameters"/>).</summary>
    public const string SetColumns =
        "model = CAST(@model AS TEXT), price_entry = CAST(@priceEntry AS TEXT), price_input = @priceInput, price_cached_input = @priceCached, " +
        "price_cache_write_input = @priceCacheWrite, price_output = @priceOutput, compute_per_hour = @computePerHour, " +
        "worker_size = CAST(@workerSize AS TEXT), max_cost = @maxCost, max_tokens = @maxTokens";

    public (string Name, object? Value)[] Parameters() =>
    [
        ("@model", Model), ("@priceEntry", Tokens?.Entry), ("@priceInput", Tokens?.InputNanos), ("@priceCached", Tokens?.CachedInputNanos),
        ("@priceCacheWrite", Tokens?.CacheWriteInputNanos), ("@priceOutput", Tokens?.OutputNanos), ("@computePerHour", Compute?.NanosPerHour),
        ("@workerSize", Compute?.Size), ("@maxCost", MaxCostNanos), ("@maxTokens", MaxTokens),
    ];

    /// <summary>The job's stored pricing; null when the job has not been launched under a conductor that prices jobs.</summary>
    public static JobPricing? Read(Statements db, string jobId)
    {
        using var r = db.Query(
            """
            SELECT model, price_entry, price_input, price_cached_input, price_cache_write_input, price_output, compute_per_hour, worker_size,
                   max_cost, max_tokens, launched_at
            FROM jobs WHERE id = CAST(@id AS TEXT)
            """,
            ("@id", jobId));
        if (!r.Read() || r.IsDBNull(10))
        {
            return null;
        }

        var tokens = r.GetStringOrNull(1) is { } entry ? new TokenPrices(entry, r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)) : null;
        var compute = r.GetInt64OrNull(6) is { } perHour ? new ComputeRate(perHour, r.GetStringOrNull(7) ?? "container") : null;
        return new JobPricing(r.GetStringOrNull(0), tokens, compute, r.GetInt64OrNull(8), r.GetInt64OrNull(9));
    }
}
