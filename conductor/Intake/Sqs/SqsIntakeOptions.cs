namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>The SQS intake (section <c>Sqs</c>); it runs only when <see cref="QueueUrl"/> is set.</summary>
internal sealed class SqsIntakeOptions
{
    public const string Section = "Sqs";

    /// <summary>The intake queue, e.g. <c>https://sqs.eu-west-1.amazonaws.com/111122223333/agent-conductor-intake</c>.</summary>
    public string? QueueUrl { get; set; }

    /// <summary>An endpoint override (a VPC endpoint, a local emulator); empty for the region's endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Concurrent long polls. The scheduler commits one batch at a time, so more than two rarely helps.</summary>
    public int Pollers { get; set; } = 2;

    /// <summary>How long one receive waits for messages (the long poll), 0 to 20 s.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>Messages per receive (and per transaction), 1 to 10.</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>How long received messages stay hidden from other receivers; empty for the queue's own setting.</summary>
    public TimeSpan? VisibilityTimeout { get; set; }

    /// <summary>
    /// True: a rejected message is deleted once it is stored with its reason. False: it is stored and left in the
    /// queue, so the queue's redrive policy moves it to the dead-letter queue after <c>maxReceiveCount</c> receives.
    /// </summary>
    public bool DeleteRejected { get; set; } = true;

    /// <summary>When the database is busy, the batch is left in the queue and becomes visible again after this.</summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between polls after SQS errors (the wait doubles from one second up to this).</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);
}
