using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The event types notifications carry: <c>job.&lt;state&gt;</c> for every state a job enters (its first one included),
/// and <c>job.budget_stopped</c> when a run is stopped at its spending cap.
/// </summary>
internal static class NotifyEventTypes
{
    public const string BudgetStopped = "job.budget_stopped";

    public static IReadOnlyList<string> All { get; } =
        [.. Enum.GetValues<JobState>().Select(ForState), BudgetStopped];

    /// <summary>
    /// What Jira comments on unless <c>Jira:CommentOn</c> says otherwise: the start and every end. Not the budget stop: the
    /// job's end (<c>job.budget_exceeded</c>, with the stop's reason) follows it within the minute the push takes.
    /// </summary>
    public static IReadOnlyList<string> JiraDefaults { get; } =
    [
        ForState(JobState.Running), ForState(JobState.Succeeded), ForState(JobState.NoChanges), ForState(JobState.Failed),
        ForState(JobState.TimedOut), ForState(JobState.Cancelled), ForState(JobState.Lost), ForState(JobState.BudgetExceeded),
    ];

    public static string ForState(JobState state) => "job." + JobStates.ToName(state);

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
