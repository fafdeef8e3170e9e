namespace AgentConductor.Worker.GitHub;

/// <summary>How the run that a pull request holds ended, as its body says.</summary>
internal enum PullRequestBodyStatus
{
    /// <summary>The agent finished its task.</summary>
    Completed,

    /// <summary>The run was stopped at the job's budget: the pull request holds its work so far.</summary>
    StoppedAtBudget,
}
