using System.Text.Json;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>The tokens one or more responses used, as the Responses API reports them in <c>usage</c>.</summary>
internal readonly record struct ModelTokenCounts(long Input, long CachedInput, long CacheWriteInput, long Output, long Reasoning)
{
    public static ModelTokenCounts operator +(ModelTokenCounts a, ModelTokenCounts b) => new(
        a.Input + b.Input, a.CachedInput + b.CachedInput, a.CacheWriteInput + b.CacheWriteInput, a.Output + b.Output, a.Reasoning + b.Reasoning);

    /// <summary>
    /// Reads a <c>usage</c> object: <c>input_tokens</c> (with <c>input_tokens_details.cached_tokens</c> and
    /// <c>.cache_write_tokens</c>), <c>output_tokens</c> (with <c>output_tokens_details.reasoning_tokens</c>).
    /// </summary>
    public static ModelTokenCounts Read(JsonElement usage) => new(
        Number(usage, "input_tokens"),
        Number(Child(usage, "input_tokens_details"), "cached_tokens"),
        Number(Child(usage, "input_tokens_details"), "cache_write_tokens"),
        Number(usage, "output_tokens"),
        Number(Child(usage, "output_tokens_details"), "reasoning_tokens"));

    public TokenUsage ToTokenUsage() => new()
    {
        InputTokens = Input,
        CachedInputTokens = CachedInput,
        CacheWriteInputTokens = CacheWriteInput,
        OutputTokens = Output,
        ReasoningOutputTokens = Reasoning,
    };

    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;

    private static long Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;
}
