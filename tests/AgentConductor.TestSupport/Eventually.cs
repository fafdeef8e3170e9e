namespace AgentConductor.TestSupport;

/// <summary>
/// Waits (bounded, in real time) for something a background service of a real host does on its own, such as the
/// dispatcher launching a job. Never used to wait for a timer a test could advance with a fake <see cref="TimeProvider"/>.
/// </summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<T?> probe, CancellationToken cancellationToken, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The expected value did not appear in time.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The same for a probe that has to await (an HTTP call); stops at the first non-null answer.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken, TimeSpan? timeout = null)
        where T : struct
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The expected value did not appear in time.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
