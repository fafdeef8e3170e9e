using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// What a ticket's or an incident's jobs cost together (with follow-ups and retries, a subject can have several): each
/// job's recorded spend plus its running worker's time so far, as SQL so that lists can sum it per row.
/// </summary>
internal static class SubjectCosts
{
    /// <summary>One job's cost in nano-dollars (alias <c>x</c>, parameter <c>@now</c> in Unix ms).</summary>
    public const string JobCost =
        """
        ((SELECT coalesce(sum(s.token_cost + s.compute_cost), 0) FROM job_spend s WHERE s.job_id = x.id)
         + CASE WHEN x.state IN ('launched', 'connected', 'running') AND x.launched_at IS NOT NULL AND x.compute_per_hour IS NOT NULL
                THEN CAST(round(max(@now - x.launched_at, 0) * CAST(x.compute_per_hour AS REAL) / 3600000.0) AS INTEGER) ELSE 0 END)
        """;

    /// <summary>A launched job whose tokens or worker have no price: its cost is incomplete.</summary>
    public const string Unpriced = "(x.launched_at IS NOT NULL AND (x.price_entry IS NULL OR x.compute_per_hour IS NULL))";

    /// <summary>One job's cost in nano-dollars as of <paramref name="at"/>; null when it has no price (unknown, not zero) or does not exist.</summary>
    public static long? JobNanos(Statements db, string jobId, DateTimeOffset at) =>
        db.QueryLong(
            $"SELECT {JobCost} FROM jobs x WHERE x.id = CAST(@id AS TEXT) AND x.price_entry IS NOT NULL AND (x.launched_at IS NULL OR x.compute_per_hour IS NOT NULL)",
            ("@id", jobId), ("@now", UnixTime.ToMs(at)));

    /// <summary>The jobs of the ticket (<paramref name="column"/> <c>ticket_key</c>) or incident (<c>incident_id</c>) and their cost.</summary>
    public static SubjectCostView Read(Statements db, string column, object value, DateTimeOffset now)
    {
        if (column is not ("ticket_key" or "incident_id"))
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, "a job's subject is its ticket_key or incident_id");
        }

        using var r = db.Query(
            $"SELECT count(*), coalesce(sum({Unpriced}), 0), coalesce(sum({JobCost}), 0) FROM jobs x WHERE x.{column} = @subject",
            ("@subject", value), ("@now", UnixTime.ToMs(now)));
        r.Read();
        return new SubjectCostView(r.GetInt32(0), Usd.FromNanos(r.GetInt64(2)), r.GetInt32(1), Usd.Currency);
    }
}

/// <summary>The jobs of a ticket or incident and their cost together; <c>unpricedJobs</c> ran without a price, so the sum leaves them out.</summary>
internal sealed record SubjectCostView(int Jobs, decimal Cost, int UnpricedJobs, string Currency);
