namespace AgentConductor.Worker.Tests.Telemetry;

/// <summary>
/// Activity sources and meters are process-wide: while one of these tests listens, another test's client calls or
/// heartbeat loop would be recorded too. They run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerTelemetryCollection
{
    public const string Name = "WorkerTelemetry";
}
