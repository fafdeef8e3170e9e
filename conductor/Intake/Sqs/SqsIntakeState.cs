namespace AgentConductor.Conductor.Intake.Sqs;

internal enum SqsIntakeState
{
    Starting,

    /// <summary>Receiving messages (or waiting in a long poll).</summary>
    Polling,

    /// <summary>The shutdown gate is closed: nothing is received; messages pool in the queue.</summary>
    Paused,

    /// <summary>SQS or the database failed for a reason that may pass; polling goes on with backoff.</summary>
    Failing,

    /// <summary>SQS refuses the conductor (access denied, bad credentials, no such queue); polling goes on slowly until it is fixed.</summary>
    Misconfigured,
}
