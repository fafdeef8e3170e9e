using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Replay;

/// <summary>A scenario file: messages with receive times, restarts between them, and what should come out.</summary>
internal sealed record Scenario(string Name, ScenarioOptions Options, IReadOnlyList<ScenarioStep> Steps, ScenarioExpectation? Expect);

/// <summary>One step: a message received at <see cref="At"/>, or a restart of the store and scheduler.
/// <see cref="BodyBytes"/>, when set, are the exact bytes of a body that is not valid UTF-8 (<see cref="Body"/> is then their decoding).</summary>
internal sealed record ScenarioStep(DateTimeOffset At, string? MessageId, string? Body, bool Restart)
{
    public byte[]? BodyBytes { get; init; }

    public InboundMessage ToMessage() => BodyBytes is { } bytes ? InboundMessage.FromBytes(MessageId!, bytes, At) : new(MessageId!, Body!, At);
}

/// <summary>Scheduler and intake settings a scenario may override; anything absent keeps its default.</summary>
internal sealed record ScenarioOptions(TimeSpan? ChainWindow, TimeSpan? MaxIncidentSpan, IReadOnlyList<string>? AllowedProjects, string? RequiredLabel, int? MaxBodyBytes, int? BatchSize);
