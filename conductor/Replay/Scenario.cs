using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Replay;

/// <summary>A scenario file: messages with receive times, restarts between them, and what should come out.</summary>
internal sealed record Scenario(string Name, ScenarioOptions Options, IReadOnlyList<ScenarioStep> Steps, ScenarioExpectation? Expect);

/// <summary>One step: a message received at <see cref="At"/>, a restart of the store and scheduler, or a pull request a
/// job's worker reported (<see cref="PullRequest"/>). <see cref="BodyBytes"/>, when set, are the exact bytes of a body that
/// is not valid UTF-8 (<see cref="Body"/> is then their decoding).</summary>
internal sealed record ScenarioStep(DateTimeOffset At, string? MessageId, string? Body, bool Restart)
{
    public byte[]? BodyBytes { get; init; }

    public ReplayedPullRequest? PullRequest { get; init; }

    public InboundMessage ToMessage() => BodyBytes is { } bytes ? InboundMessage.FromBytes(MessageId!, bytes, At) : new(MessageId!, Body!, At);
}

/// <summary>Scheduler, intake and follow-up settings a scenario may override; anything absent keeps its default.</summary>
internal sealed record ScenarioOptions(TimeSpan? ChainWindow, TimeSpan? MaxIncidentSpan, IReadOnlyList<string>? AllowedProjects, string? RequiredLabel, int? MaxBodyBytes, int? BatchSize)
{
    /// <summary><c>GitHub:WebhookSecret</c>: GitHub steps are signed with it and verified with it. Absent: every delivery is rejected.</summary>
    public string? WebhookSecret { get; init; }

    public string? FollowUpHandle { get; init; }

    public TimeSpan? CoalesceWindow { get; init; }

    public int? MaxFollowUpsPerPullRequest { get; init; }

    public bool? FollowUpsOnFailedChecks { get; init; }

    public IReadOnlyList<string>? FollowUpIgnoredLogins { get; init; }
}

/// <summary>
/// What a worker reported for a job of the replay: the pull request it opened and its branch. Replays run no workers, so a
/// scenario (or a replayed database) says this for the follow-up rules to find. The job is named by its ticket or by
/// the message that decided it.
/// </summary>
internal sealed record ReplayedPullRequest(string? TicketKey, string? DecidedBy, string Url, string Branch);
