using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>Alarm states under CloudWatch's own names, as stored in <c>alarms.state</c>.</summary>
internal static class AlarmStates
{
    public static string ToName(AlarmState state) => state switch
    {
        AlarmState.Alarm => "ALARM",
        AlarmState.Ok => "OK",
        AlarmState.InsufficientData => "INSUFFICIENT_DATA",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
