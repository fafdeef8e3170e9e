namespace AgentConductor.Conductor.Telemetry;

/// <summary>The conductor's activity source, meters and the attribute names its spans and metrics carry.</summary>
internal static class TelemetryNames
{
    /// <summary>The activity source of the job spans: <c>job.schedule</c>, <c>job.launch</c>, <c>job.reconcile</c>.</summary>
    public const string ActivitySource = "AgentConductor.Conductor";

    public const string JobsMeter = "AgentConductor.Jobs";

    public const string WorkerApiMeter = "AgentConductor.WorkerApi";

    /// <summary>The SQS intake's meter (<c>agent_conductor.sqs.messages</c>, see <c>SqsIntakeStatus</c>).</summary>
    public const string SqsMeter = "AgentConductor.Intake.Sqs";

    /// <summary>The runtime's built-in meter (GC, thread pool, CPU time) on .NET 9 and later.</summary>
    public const string RuntimeMeter = "System.Runtime";

    public const string JobId = "agent_conductor.job.id";

    public const string JobKind = "agent_conductor.job.kind";

    public const string JobAttempt = "agent_conductor.job.attempt";

    public const string EventId = "agent_conductor.event.id";

    public const string Launcher = "agent_conductor.launcher";

    public const string Retryable = "agent_conductor.launch.retryable";

    public const string FromState = "agent_conductor.job.from_state";

    public const string Decision = "agent_conductor.decision";
}
