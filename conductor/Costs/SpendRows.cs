using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Reads spend by job and UTC day: the stored <c>job_spend</c> rows and, for attempts still running, their worker's time
/// so far at its price (what <see cref="JobSpend.EndAttempt"/> will store when they end), split at UTC midnights.
/// </summary>
internal static class SpendRows
{
    private const string Active = "'launched', 'connected', 'running'";

    public static List<SpendRow> Load(Statements db, DateOnly from, DateOnly to, DateTimeOffset now)
    {
        var rows = new List<SpendRow>();
        using (var r = db.Query(
            """
            SELECT s.job_id, s.day, j.kind, j.project_key, j.account, j.price_entry IS NOT NULL, j.compute_per_hour IS NOT NULL,
                   s.input_tokens, s.cached_input_tokens, s.cache_write_input_tokens, s.output_tokens, s.reasoning_output_tokens,
                   s.token_cost, s.compute_ms, s.compute_cost
            FROM job_spend s JOIN jobs j ON j.id = s.job_id
            WHERE s.day BETWEEN @from AND @to
            """,
            ("@from", UtcDays.Name(from)), ("@to", UtcDays.Name(to))))
        {
            while (r.Read())
            {
                rows.Add(new SpendRow(
                    r.GetString(0), UtcDays.Parse(r.GetString(1)), r.GetString(2), r.GetStringOrNull(3), r.GetStringOrNull(4), r.GetBoolean(5), r.GetBoolean(6),
                    new TokenCounts(r.GetInt64(7), r.GetInt64(8), r.GetInt64(10), r.GetInt64(11), r.GetInt64(9)), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14)));
            }
        }

        using (var r = db.Query(
            $"""
            SELECT id, kind, project_key, account, price_entry IS NOT NULL, compute_per_hour, launched_at
            FROM jobs WHERE state IN ({Active}) AND launched_at IS NOT NULL
            """))
        {
            while (r.Read())
            {
                var perHour = r.GetInt64OrNull(5);
                foreach (var (day, ms) in UtcDays.Split(UnixTime.FromMs(r.GetInt64(6)), now).Where(s => s.Day >= from && s.Day <= to))
                {
                    rows.Add(new SpendRow(
                        r.GetString(0), day, r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetBoolean(4), perHour is not null,
                        default, 0, ms, perHour is { } rate ? ComputeRate.CostNanos(rate, ms) : 0));
                }
            }
        }

        return rows;
    }
}
