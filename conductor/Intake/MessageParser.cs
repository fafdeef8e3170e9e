namespace AgentConductor.Conductor.Intake;

/// <summary>Turns a raw queue body into a ticket, an alarm or a rejection. Never throws on bad input.</summary>
internal sealed class MessageParser(IntakeOptions options)
{
    public ParsedMessage Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _ = options;
        throw new NotImplementedException("The intake parsers land in the next commit.");
    }
}
