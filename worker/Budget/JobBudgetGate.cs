using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.ModelProxy;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Budget;

/// <summary>
/// The job's budget where the spend happens, in the model proxy: before each model request it compares the tokens the
/// proxy counted (at the job's prices, plus the worker's run time at its hourly price) with the job's limits. Once a
/// limit is reached it refuses every further request, tells the conductor once (<c>budget_reached</c>) and keeps the
/// limit in <see cref="Reached"/> for the job's outcome. Every request that ended is reported as <c>model_request</c>
/// progress, so the conductor counts the proxy's tokens as they are spent.
/// </summary>
/// <remarks>
/// One worker process runs one job: the gate is <see cref="Arm">armed</see> with the job's spec after the handshake and
/// admits every request (reporting none) until then. The refusal is HTTP 429 <c>insufficient_quota</c>, what the OpenAI
/// API answers an account whose quota is spent: Codex does not retry a 429 (its transport never retries one, and a 429
/// that is no ChatGPT usage limit ends the turn as "exceeded retry limit"), so the run ends at the first refusal.
/// </remarks>
internal sealed partial class JobBudgetGate(TimeProvider time, ILogger<JobBudgetGate> logger) : IModelRequestGate
{
    public const int RefusalStatus = 429;
    public const string RefusalCode = "insufficient_quota";

    private readonly Lock _lock = new();
    private Job _job = new("", new JobBudgetRules(null), time.GetTimestamp(), null);
    private BudgetReached? _reached;

    /// <summary>The limit the run was stopped at (the proxy refused a request because of it); null while none was refused.</summary>
    public BudgetReached? Reached
    {
        get
        {
            lock (_lock)
            {
                return _reached?.Clone();
            }
        }
    }

    /// <summary>How long the job has run (from the start given to <see cref="Arm"/>): the time its compute price applies to.</summary>
    public TimeSpan RunTime => time.GetElapsedTime(Volatile.Read(ref _job).Started);

    /// <param name="startedAt">The job's start (<see cref="TimeProvider.GetTimestamp"/>), from which the worker's time counts.</param>
    /// <param name="publish">Sends a progress update to the conductor without blocking (the proxy's request threads call it).</param>
    public void Arm(JobSpec spec, long startedAt, Action<ProgressUpdate> publish) =>
        Volatile.Write(ref _job, new Job(spec.JobId, new JobBudgetRules(spec.Budget), startedAt, publish));

    /// <summary>What <paramref name="usage"/> and the run time so far cost at the job's prices; null when they have none.</summary>
    public decimal? Cost(TokenUsage usage) => Volatile.Read(ref _job).Rules.Cost(usage, RunTime);

    public ModelRequestRefusal? Check(ModelUsageMeter usage)
    {
        var job = Volatile.Read(ref _job);
        BudgetReached reached;
        var first = false;
        lock (_lock)
        {
            if (_reached is null)
            {
                if (job.Rules.Reached(usage.Total.ToTokenUsage(), time.GetElapsedTime(job.Started)) is not { } now)
                {
                    return null;
                }

                _reached = now;
                first = true;
            }

            reached = _reached.Clone();
        }

        if (first)
        {
            Log.BudgetReached(logger, job.JobId, reached.Reason);
            job.Publish?.Invoke(ProgressUpdates.Event(job.JobId, time.GetUtcNow(), e => e.BudgetReached = reached.Clone()));
        }

        return new ModelRequestRefusal(
            RefusalStatus,
            RefusalCode,
            $"This job has reached its budget ({reached.Reason}). Agent Conductor's model proxy refuses further model requests for this run; the work so far is kept.");
    }

    public void Completed(ModelRequestRecord request, ModelUsageMeter usage)
    {
        var job = Volatile.Read(ref _job);
        job.Publish?.Invoke(ProgressUpdates.Event(job.JobId, time.GetUtcNow(), e => e.ModelRequest = new ModelRequestCompleted
        {
            Index = request.Index,
            Status = request.Status,
            Usage = request.Usage.ToTokenUsage(),
        }));
    }

    private sealed record Job(string JobId, JobBudgetRules Rules, long Started, Action<ProgressUpdate>? Publish);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1500, EventName = "JobBudgetReached", Level = LogLevel.Warning, Message = "Job {JobId}: {Reason}; the model proxy refuses further model requests and the run ends at its budget")]
        public static partial void BudgetReached(ILogger logger, string jobId, string reason);
    }
}
