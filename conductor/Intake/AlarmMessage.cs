namespace AgentConductor.Conductor.Intake;

/// <summary>A CloudWatch alarm state change, from EventBridge, an SNS envelope or raw SNS delivery.</summary>
/// <param name="Account">The 12-digit AWS account id that owns the alarm.</param>
/// <param name="StateChangedAt">The alarm's own state-change timestamp when the message carries one.</param>
/// <param name="EventTime">The envelope's time (EventBridge <c>time</c>, SNS <c>Timestamp</c>).</param>
internal sealed record AlarmMessage(
    MessageFormat Format,
    string Account,
    string AlarmName,
    AlarmState State,
    AlarmState? PreviousState,
    string? Reason,
    string? Description,
    string? Region,
    string? AlarmArn,
    DateTimeOffset? StateChangedAt,
    DateTimeOffset? EventTime) : ParsedMessage
{
    /// <summary>The time chaining uses: the state-change timestamp, else the event time.</summary>
    public DateTimeOffset? AlarmTime => StateChangedAt ?? EventTime;
}

internal enum AlarmState
{
    Ok,
    Alarm,
    InsufficientData,
}
