namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// The usage one response reports in <c>response.completed</c>: input (with cached and cache-write input), output
/// (with reasoning). Codex reports the sum over a turn's responses as <c>turn.completed.usage</c>.
/// </summary>
public sealed record ModelUsage(long Input, long CachedInput, long CacheWriteInput, long Output, long Reasoning)
{
    public static ModelUsage Default { get; } = new(1000, 200, 100, 50, 10);

    public static ModelUsage operator *(ModelUsage usage, int times) => new(
        usage.Input * times, usage.CachedInput * times, usage.CacheWriteInput * times, usage.Output * times, usage.Reasoning * times);
}
