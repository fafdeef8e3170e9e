using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// A job's token usage: what its worker reported with the result, or, before a result, the sum of the turns its
/// progress reported so far. Input includes cached and cache-write input; output includes reasoning.
/// </summary>
internal sealed record JobUsageView(long InputTokens, long CachedInputTokens, long CacheWriteInputTokens, long OutputTokens, long ReasoningOutputTokens)
{
    /// <summary>Columns of <c>jobs</c> and <c>job_results r</c>, read by <see cref="From"/> from a given ordinal on.</summary>
    public const string Columns =
        "coalesce(r.input_tokens, jobs.input_tokens), coalesce(r.cached_input_tokens, jobs.cached_input_tokens), " +
        "coalesce(r.cache_write_input_tokens, jobs.cache_write_input_tokens), coalesce(r.output_tokens, jobs.output_tokens), " +
        "coalesce(r.reasoning_output_tokens, jobs.reasoning_output_tokens)";

    public static JobUsageView From(SqliteDataReader r, int first) =>
        new(r.GetInt64(first), r.GetInt64(first + 1), r.GetInt64(first + 2), r.GetInt64(first + 3), r.GetInt64(first + 4));
}
