using AgentConductor.Conductor.Jobs;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A reported <see cref="ResultStatus"/> and the terminal job state it moves the job to.</summary>
internal static class ResultStatuses
{
    public static JobState? ToJobState(ResultStatus status) => status switch
    {
        ResultStatus.Succeeded => JobState.Succeeded,
        ResultStatus.NoChanges => JobState.NoChanges,
        ResultStatus.Failed => JobState.Failed,
        ResultStatus.TimedOut => JobState.TimedOut,
        ResultStatus.Cancelled => JobState.Cancelled,
        ResultStatus.BudgetExceeded => JobState.BudgetExceeded,
        _ => null,
    };
}
