using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Run;

/// <summary>
/// What the job's budget means for how a run ends: a run the model proxy stopped at a limit ends
/// <see cref="ResultStatus.BudgetExceeded"/> (its work pushed and its pull request opened like a finished run's), and
/// every pull request body carries the run's cost and the job's page.
/// </summary>
internal sealed class BudgetStop
{
    private readonly BudgetReached _reached;

    private BudgetStop(BudgetReached reached) => _reached = reached;

    public string Reason => _reached.Reason;

    /// <summary>
    /// The stop, when the proxy refused a request at the job's budget; null when it did not, and when the conductor's
    /// cancel ended the run (an operator's stop names its own reason).
    /// </summary>
    public static BudgetStop? Of(JobBudgetGate? budget, AgentRunResult run) =>
        run.Outcome != AgentOutcome.Cancelled && budget?.Reached is { } reached ? new BudgetStop(reached) : null;

    /// <summary>The job's outcome: <c>budget_exceeded</c> with the limit in words, whatever Codex said about the refusal.</summary>
    public JobOutcome Outcome(AgentRunResult run) =>
        new(ResultStatus.BudgetExceeded, WorkerExitCodes.BudgetExceeded, "budget_exceeded", $"the run stopped at its budget: {_reached.Reason}")
        {
            Summary = run.Summary,
            Usage = run.Usage,
        };

    /// <summary><paramref name="body"/> with how the run ended, what it cost (when the job has prices) and a link to the job's page.</summary>
    public static PullRequestBodyContent Describe(PullRequestBodyContent body, BudgetStop? stop, JobBudgetGate? budget, TokenUsage usage, string jobUrl) => body with
    {
        Status = stop is null ? PullRequestBodyStatus.Completed : PullRequestBodyStatus.StoppedAtBudget,
        BudgetStopReason = stop?.Reason,
        Cost = budget?.Cost(usage),
        JobUrl = Uri.TryCreate(jobUrl, UriKind.Absolute, out var page) ? page : null,
    };
}
