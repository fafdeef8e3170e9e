namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>
/// Activity sources and meters are process-wide and an OpenTelemetry provider listens to them by name: while one of
/// these tests runs, a conductor of another test would feed its provider. They run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
