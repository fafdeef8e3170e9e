using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Adds to <c>job_spend</c> inside the caller's transaction (the one that changes the job's tokens or ends its attempt),
/// so the tallies the daily budgets read are exactly as durable as the job rows.
/// </summary>
internal static class JobSpend
{
    private const string Upsert =
        """
        INSERT INTO job_spend (job_id, day, input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens, reasoning_output_tokens,
            token_cost, compute_ms, compute_cost)
        VALUES (@job, @day, @in, @cached, @cacheWrite, @out, @reasoning, @tokenCost, @ms, @computeCost)
        ON CONFLICT (job_id, day) DO UPDATE SET
            input_tokens = input_tokens + excluded.input_tokens, cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens,
            cache_write_input_tokens = cache_write_input_tokens + excluded.cache_write_input_tokens,
            output_tokens = output_tokens + excluded.output_tokens, reasoning_output_tokens = reasoning_output_tokens + excluded.reasoning_output_tokens,
            token_cost = token_cost + excluded.token_cost, compute_ms = compute_ms + excluded.compute_ms, compute_cost = compute_cost + excluded.compute_cost
        """;

    /// <summary>
    /// The job's token count changed from <paramref name="before"/> to <paramref name="after"/> (both totals): the
    /// difference and its cost count on the UTC day of <paramref name="at"/>. Costing both totals and taking the difference
    /// keeps the sum of the days equal to the cost of the final total, to the nano-dollar.
    /// </summary>
    public static void AddTokens(Statements db, string jobId, TokenCounts before, TokenCounts after, DateTimeOffset at)
    {
        if (before == after)
        {
            return;
        }

        var prices = JobPricing.Read(db, jobId)?.Tokens;
        var delta = after - before;
        var cost = prices is null ? 0 : prices.CostNanos(after) - prices.CostNanos(before);
        db.Execute(
            Upsert,
            ("@job", jobId), ("@day", UtcDays.Name(at)), ("@in", delta.Input), ("@cached", delta.CachedInput), ("@cacheWrite", delta.CacheWriteInput),
            ("@out", delta.Output), ("@reasoning", delta.Reasoning), ("@tokenCost", cost), ("@ms", 0), ("@computeCost", 0));
    }

    /// <summary>
    /// The job's attempt ended at <paramref name="at"/>: its worker's time since launch counts, split at UTC midnights, at the
    /// price fixed when it was launched, and is added to the job's <c>compute_ms</c>.
    /// </summary>
    public static void EndAttempt(Statements db, string jobId, DateTimeOffset at)
    {
        long? launchedAt, perHour;
        using (var r = db.Query("SELECT launched_at, compute_per_hour FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", jobId)))
        {
            if (!r.Read() || r.IsDBNull(0))
            {
                return;
            }

            (launchedAt, perHour) = (r.GetInt64(0), r.GetInt64OrNull(1));
        }

        var total = 0L;
        foreach (var (day, ms) in UtcDays.Split(UnixTime.FromMs(launchedAt.Value), at))
        {
            total += ms;
            db.Execute(
                Upsert,
                ("@job", jobId), ("@day", UtcDays.Name(day)), ("@in", 0), ("@cached", 0), ("@cacheWrite", 0), ("@out", 0), ("@reasoning", 0),
                ("@tokenCost", 0), ("@ms", ms), ("@computeCost", perHour is { } rate ? ComputeRate.CostNanos(rate, ms) : 0));
        }

        db.Execute("UPDATE jobs SET compute_ms = compute_ms + @ms WHERE id = @id", ("@ms", total), ("@id", jobId));
    }
}
