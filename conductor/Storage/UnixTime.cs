namespace AgentConductor.Conductor.Storage;

/// <summary>The database stores instants as milliseconds since the Unix epoch (UTC).</summary>
internal static class UnixTime
{
    public static long ToMs(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? FromMs(long? ms) => ms is { } value ? FromMs(value) : null;
}
