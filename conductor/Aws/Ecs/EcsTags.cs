namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>The tags the conductor puts on every worker task, so tasks can be traced to jobs in the console and in bills.</summary>
internal static class EcsTags
{
    public const string Prefix = "agent-conductor:";
    public const string JobId = Prefix + "job-id";
    public const string Attempt = Prefix + "attempt";
    public const string Kind = Prefix + "kind";
    public const string Subject = Prefix + "subject";

    /// <summary>ECS allows 50 tags per task; the conductor's own take up to this many.</summary>
    public const int OwnCount = 4;

    public const int MaxCount = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    /// <summary>Letters, digits, spaces and <c>_ . : / = + - @</c>, as ECS allows in tag keys and values.</summary>
    public static bool IsAllowed(char c) => char.IsLetterOrDigit(c) || c is ' ' or '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@';

    /// <summary>A value ECS accepts: disallowed characters become <c>_</c>, cut to 256 characters.</summary>
    public static string Value(string value)
    {
        var chars = value.Select(c => IsAllowed(c) ? c : '_').Take(MaxValueLength).ToArray();
        return new string(chars);
    }
}
