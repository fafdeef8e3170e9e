namespace AgentConductor.Conductor.Intake;

/// <summary>
/// Carries a rejection out of the nested intake parsers. It never leaves <see cref="MessageParser.Parse"/>,
/// which turns it back into the <see cref="RejectedMessage"/> it holds.
/// </summary>
internal sealed class MessageRejectedException(RejectedMessage rejection) : Exception(rejection.Detail)
{
    public RejectedMessage Rejection { get; } = rejection;
}
