namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// The loop of a background pass (dispatcher, reconciler): run a pass, wait, repeat until shutdown. A failing pass is
/// reported once (not every time) until a pass succeeds again; a caught exception never passes for "no work".
/// </summary>
internal static class PassLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task> pass,
        Func<CancellationToken, Task> wait,
        Action<Exception> firstFailure,
        Action recovered,
        CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken);
                if (failing)
                {
                    recovered();
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (!failing)
                {
                    firstFailure(ex);
                    failing = true;
                }
            }

            try
            {
                await wait(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
