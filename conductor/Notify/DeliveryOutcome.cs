namespace AgentConductor.Conductor.Notify;

/// <summary>What one attempt of a delivery came to.</summary>
internal sealed record DeliveryOutcome(DeliveryResult Result, int? Status, string Message, TimeSpan? RetryAfter = null)
{
    public static DeliveryOutcome Delivered(int? status, string detail) => new(DeliveryResult.Delivered, status, detail);

    public static DeliveryOutcome Skipped(string reason) => new(DeliveryResult.Skipped, null, reason);

    /// <summary>A failure that may pass: tried again after the backoff (or the receiver's Retry-After, when longer).</summary>
    public static DeliveryOutcome Retry(int? status, string error, TimeSpan? retryAfter = null) => new(DeliveryResult.Retry, status, error, retryAfter);

    /// <summary>A failure that retrying cannot fix: dead-lettered at once.</summary>
    public static DeliveryOutcome Dead(int? status, string error) => new(DeliveryResult.Dead, status, error);
}

internal enum DeliveryResult
{
    Delivered,
    Skipped,
    Retry,
    Dead,
}
