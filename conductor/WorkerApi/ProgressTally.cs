using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// What a batch of progress updates says about the job's spend: the tokens of completed turns (Codex's own totals), the
/// tokens of model requests (the worker's proxy's count, preferred once a worker sends it) and whether the run reached a
/// limit of its budget.
/// </summary>
internal sealed class ProgressTally
{
    public TokenCounts Turns { get; private set; }

    public TokenCounts Requests { get; private set; }

    /// <summary>The batch had model requests (their usage may be zero).</summary>
    public bool Metered { get; private set; }

    /// <summary>The first budget stop of the batch, in words.</summary>
    public string? BudgetStop { get; private set; }

    public bool IsEmpty => Turns == default && !Metered && BudgetStop is null;

    public void Add(ProgressEvent progress)
    {
        switch (progress.EventCase)
        {
            case ProgressEvent.EventOneofCase.TurnCompleted:
                Turns += TokenCounts.From(progress.TurnCompleted.Usage);
                break;
            case ProgressEvent.EventOneofCase.ModelRequest:
                Requests += TokenCounts.From(progress.ModelRequest.Usage);
                Metered = true;
                break;
            case ProgressEvent.EventOneofCase.BudgetReached when BudgetStop is null:
                var reason = TaskFiles.UntrustedText.Inline(progress.BudgetReached.Reason, 500);
                BudgetStop = reason.Length > 0 ? reason : $"the job's {Limit(progress.BudgetReached.Limit)} limit was reached";
                break;
        }
    }

    public void Clear()
    {
        Turns = default;
        Requests = default;
        Metered = false;
        BudgetStop = null;
    }

    private static string Limit(string limit) => limit is "tokens" ? "token" : "cost";
}
