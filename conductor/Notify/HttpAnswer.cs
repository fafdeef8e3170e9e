namespace AgentConductor.Conductor.Notify;

/// <summary>A receiver's answer: status, body (cut to a readable length) and the wait it asked for, if any.</summary>
internal sealed record HttpAnswer(int Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>"HTTP 503: body" with the body shortened for an error message.</summary>
    public string Describe() => Body.Length == 0 ? $"HTTP {Status}" : $"HTTP {Status}: {Shorten(Body, 300)}";

    public static string Shorten(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max), "…");
    }
}
