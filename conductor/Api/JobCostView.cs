using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// What a job has cost so far, in USD: its tokens at the prices fixed when it was launched, and its worker's time
/// (ended attempts, plus the running one up to now). A part without a price is null (unknown, not zero), and so is the
/// total then.
/// </summary>
/// <param name="Model">The model its worker was told to use; null: the agent's default model.</param>
/// <param name="PricedAs">The price entry its tokens are charged at (the model's, or <c>default</c>); null: none.</param>
/// <param name="Worker">The worker's size as priced (<c>2 vCPU, 4 GiB</c>, or <c>container</c>).</param>
internal sealed record JobCostView(
    decimal? Total, decimal? Tokens, decimal? Compute, string Currency, long ComputeMs, string? Model, string? PricedAs, string? Worker, decimal? ComputePerHour)
{
    /// <summary>Columns of <c>jobs j</c> and its spend, read by <see cref="From"/> from a given ordinal on.</summary>
    public const string Columns =
        "j.model, j.price_entry, j.compute_per_hour, j.worker_size, j.compute_ms, j.launched_at, " +
        "(SELECT sum(s.token_cost) FROM job_spend s WHERE s.job_id = j.id), (SELECT sum(s.compute_cost) FROM job_spend s WHERE s.job_id = j.id), " +
        "j.max_cost, j.max_tokens, j.budget_stopped_at, j.budget_stop_reason";

    public static JobCostView From(SqliteDataReader r, int first, JobState state, DateTimeOffset now)
    {
        var perHour = r.GetInt64OrNull(first + 2);
        var computeMs = r.GetInt64(first + 4);
        var computeCost = r.GetInt64OrNull(first + 7) ?? 0;
        if (JobStates.HasWorker(state) && UnixTime.FromMs(r.GetInt64OrNull(first + 5)) is { } launchedAt && now > launchedAt)
        {
            // The running attempt: its worker's time so far, as it will be counted when it ends.
            var running = (long)(now - launchedAt).TotalMilliseconds;
            computeMs += running;
            computeCost += perHour is { } rate ? ComputeRate.CostNanos(rate, running) : 0;
        }

        var priced = r.GetStringOrNull(first + 1);
        decimal? tokens = priced is null ? null : Usd.FromNanos(r.GetInt64OrNull(first + 6) ?? 0);
        decimal? compute = perHour is null ? null : Usd.FromNanos(computeCost);
        return new JobCostView(
            tokens + compute, tokens, compute, Usd.Currency, computeMs, r.GetStringOrNull(first), priced, r.GetStringOrNull(first + 3), Usd.FromNanos(perHour));
    }
}

/// <summary>
/// The job's own caps, as given to its worker (<c>Budget:MaxCostPerJob</c>, <c>Budget:MaxTokensPerJob</c>; null: none),
/// and when and why its run was stopped at one.
/// </summary>
internal sealed record JobBudgetView(decimal? MaxCost, long? MaxTokens, DateTimeOffset? StoppedAt, string? StopReason)
{
    public static JobBudgetView From(SqliteDataReader r, int first) => new(
        Usd.FromNanos(r.GetInt64OrNull(first + 8)), r.GetInt64OrNull(first + 9), UnixTime.FromMs(r.GetInt64OrNull(first + 10)), r.GetStringOrNull(first + 11));
}
