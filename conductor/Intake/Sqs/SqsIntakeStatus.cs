using System.Diagnostics.Metrics;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>
/// What the SQS intake has done since startup and whether it is polling, for <c>/v1/status</c>, <c>/healthz/ready</c>
/// and the <c>agent_conductor.sqs.messages</c> counter (tagged by outcome). Shared by every poller; thread-safe.
/// </summary>
internal sealed class SqsIntakeStatus(TimeProvider time)
{
    private static readonly Meter Meter = new("AgentConductor.Intake.Sqs");
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("agent_conductor.sqs.messages", "{message}", "SQS messages by what the intake did with them");

    private readonly Lock _lock = new();
    private long _received;
    private long _stored;
    private long _duplicates;
    private long _rejected;
    private long _deleted;
    private long _deleteFailures;
    private long _leftForRetry;
    private SqsIntakeState _state = SqsIntakeState.Starting;
    private string? _problem;
    private DateTimeOffset? _problemSince;
    private DateTimeOffset? _lastMessageAt;

    /// <summary>False while SQS refuses the conductor (access denied, no such queue): a configuration problem an operator must fix.</summary>
    public bool IsHealthy
    {
        get
        {
            lock (_lock)
            {
                return _state != SqsIntakeState.Misconfigured;
            }
        }
    }

    public void Polling() => SetState(SqsIntakeState.Polling, null);

    public void Paused() => SetState(SqsIntakeState.Paused, null);

    public void Failing(string problem, bool configuration) => SetState(configuration ? SqsIntakeState.Misconfigured : SqsIntakeState.Failing, problem);

    public void Count(int received, int stored, int duplicates, int rejected)
    {
        lock (_lock)
        {
            _received += received;
            _stored += stored;
            _duplicates += duplicates;
            _rejected += rejected;
            _lastMessageAt = time.GetUtcNow();
        }

        Add(received, "received");
        Add(stored, "stored");
        Add(duplicates, "duplicate");
        Add(rejected, "rejected");
    }

    public void CountDeleted(int deleted, int failed)
    {
        lock (_lock)
        {
            _deleted += deleted;
            _deleteFailures += failed;
        }

        Add(deleted, "deleted");
        Add(failed, "delete_failed");
    }

    public void CountLeftForRetry(int messages)
    {
        lock (_lock)
        {
            _leftForRetry += messages;
        }

        Add(messages, "left_for_retry");
    }

    public SqsIntakeSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new SqsIntakeSnapshot(
                _state.ToString().ToLowerInvariant(), _received, _stored, _duplicates, _rejected, _deleted, _deleteFailures, _leftForRetry,
                _lastMessageAt, _problem, _problemSince);
        }
    }

    private void SetState(SqsIntakeState state, string? problem)
    {
        lock (_lock)
        {
            if (problem is null)
            {
                _problemSince = null;
            }
            else if (_problem != problem)
            {
                _problemSince = time.GetUtcNow();
            }

            _state = state;
            _problem = problem;
        }
    }

    private static void Add(int count, string outcome)
    {
        if (count > 0)
        {
            Messages.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
