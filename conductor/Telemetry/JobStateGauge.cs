using System.Diagnostics.Metrics;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// <c>agent_conductor.jobs</c>: how many jobs are in each state, counted in the database at each collection (an OTLP
/// export, a scrape), so it is exact after a restart and costs nothing between collections. Every state is reported,
/// zero included, so a series does not vanish when its last job moves on.
/// </summary>
internal sealed partial class JobStateGauge
{
    private readonly StatusQueries _queries;
    private readonly ILogger<JobStateGauge> _logger;
    private bool _failing;

    public JobStateGauge(IMeterFactory meters, StatusQueries queries, ILogger<JobStateGauge> logger)
    {
        _queries = queries;
        _logger = logger;
        meters.Create(TelemetryNames.JobsMeter).CreateObservableUpDownCounter(
            "agent_conductor.jobs", Observe, "{job}", "Jobs in each state, as the database holds them");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        Dictionary<string, long> counts;
        try
        {
            counts = _queries.JobsByState();
            _failing = false;
        }
        catch (Exception ex)
        {
            // A collection must not throw; a database that does not answer is said once, not at every export.
            if (!_failing)
            {
                Log.CountFailed(_logger, ex);
                _failing = true;
            }

            return [];
        }

        return Enum.GetValues<JobState>()
            .Select(JobStates.ToName)
            .Select(state => new Measurement<long>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state)))
            .ToList();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 800, EventName = "JobStateCountFailed", Level = LogLevel.Warning, Message = "Counting jobs by state for agent_conductor.jobs failed; the metric is left out until the database answers")]
        public static partial void CountFailed(ILogger logger, Exception exception);
    }
}
