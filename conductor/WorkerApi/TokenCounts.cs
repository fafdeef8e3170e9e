using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Token usage as stored: input (with cached and cache-write), cached input, cache-write input, output (with reasoning), reasoning output.</summary>
internal readonly record struct TokenCounts(long Input, long CachedInput, long Output, long Reasoning, long CacheWriteInput = 0)
{
    public static TokenCounts From(TokenUsage? usage) => usage is null
        ? default
        : new(
            Math.Max(0, usage.InputTokens), Math.Max(0, usage.CachedInputTokens), Math.Max(0, usage.OutputTokens), Math.Max(0, usage.ReasoningOutputTokens),
            Math.Max(0, usage.CacheWriteInputTokens));

    public static TokenCounts operator +(TokenCounts a, TokenCounts b) =>
        new(a.Input + b.Input, a.CachedInput + b.CachedInput, a.Output + b.Output, a.Reasoning + b.Reasoning, a.CacheWriteInput + b.CacheWriteInput);

    public static TokenCounts operator -(TokenCounts a, TokenCounts b) =>
        new(a.Input - b.Input, a.CachedInput - b.CachedInput, a.Output - b.Output, a.Reasoning - b.Reasoning, a.CacheWriteInput - b.CacheWriteInput);

    /// <summary>Input plus output: what <c>Budget:MaxTokensPerJob</c> counts.</summary>
    public long Total => Input + Output;
}
