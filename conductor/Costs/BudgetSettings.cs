using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// The caps as the settings say now: a reloaded settings file applies on the next dispatch pass. A reload that makes them
/// invalid is ignored (logged once) and the last valid caps stay in force, so a typo never lifts a budget.
/// </summary>
internal sealed partial class BudgetSettings(IOptionsMonitor<BudgetOptions> monitor, ILogger<BudgetSettings> logger)
{
    private readonly Lock _gate = new();
    private BudgetOptions? _lastValid;
    private string? _lastProblem;

    public BudgetOptions Current
    {
        get
        {
            lock (_gate)
            {
                try
                {
                    _lastValid = monitor.CurrentValue;
                    _lastProblem = null;
                }
                catch (OptionsValidationException ex) when (_lastValid is not null)
                {
                    if (_lastProblem != ex.Message)
                    {
                        _lastProblem = ex.Message;
                        Log.InvalidReload(logger, ex.Message);
                    }
                }

                return _lastValid;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, EventName = "BudgetReloadInvalid", Level = LogLevel.Error,
            Message = "The reloaded Budget settings are invalid and are not applied (the previous caps stay in force): {Problem}")]
        public static partial void InvalidReload(ILogger logger, string problem);
    }
}
