using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Shutdown;

/// <summary>Checks the gate every poll interval and stops the host (exit code 0) once it has drained.</summary>
internal sealed class ShutdownGateService(ShutdownGate gate, IOptions<ShutdownOptions> options, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (gate.Check())
            {
                lifetime.StopApplication();
                return;
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
