using AgentConductor.Worker.Sessions;

namespace AgentConductor.Worker.FollowUps;

/// <summary>
/// What follow-ups need of a job run: the session handoff at the end of every run (so a later follow-up can resume the
/// agent's conversation) and, for a follow-up, the replies on its pull request. Either may be missing (a worker without
/// GitHub replies nowhere; a test may leave both out).
/// </summary>
internal sealed record FollowUpSupport(SessionPacker? Sessions, FollowUpReplier? Replier);
