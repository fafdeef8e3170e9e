namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Wakes the dispatcher before its poll interval: the scheduler pokes it after creating jobs, the reconciler after
/// freeing a slot. Pokes while a pass runs are not lost; several pokes wake one pass.
/// </summary>
internal sealed class DispatchSignal
{
    private TaskCompletionSource _poked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Poke() => Volatile.Read(ref _poked).TrySetResult();

    /// <summary>Returns when poked (or already poked since the last wait) or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var poked = Volatile.Read(ref _poked);
        try
        {
            await poked.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll interval passed: look anyway.
        }

        if (poked.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _poked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), poked);
        }
    }
}
