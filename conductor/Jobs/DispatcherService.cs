using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Runs <see cref="Dispatcher.RunOnceAsync"/> every <c>Dispatch:PollInterval</c> and whenever <see cref="DispatchSignal"/>
/// is poked. Stays idle (and says so) until a job router and a token issuer are registered.
/// </summary>
internal sealed partial class DispatcherService(
    IServiceProvider services, DispatchSignal signal, IOptions<DispatchOptions> options, TimeProvider time, ILogger<DispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IJobRouter>() is null || services.GetService<IJobTokenIssuer>() is null)
        {
            Log.Unbound(logger);
            return;
        }

        var dispatcher = services.GetRequiredService<Dispatcher>();
        await PassLoop.RunAsync(
            dispatcher.RunOnceAsync,
            token => signal.WaitAsync(options.Value.PollInterval, time, token),
            ex => Log.PassFailed(logger, ex),
            () => Log.Recovered(logger),
            stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 430, EventName = "DispatcherUnbound", Level = LogLevel.Warning, Message = "No job router or token issuer is registered: pending jobs are not launched")]
        public static partial void Unbound(ILogger logger);

        [LoggerMessage(EventId = 431, EventName = "DispatchPassFailed", Level = LogLevel.Error, Message = "A dispatch pass failed; retrying every poll interval (logged once until a pass succeeds)")]
        public static partial void PassFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 432, EventName = "DispatchRecovered", Level = LogLevel.Information, Message = "Dispatch passes succeed again")]
        public static partial void Recovered(ILogger logger);
    }
}
