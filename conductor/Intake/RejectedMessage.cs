namespace AgentConductor.Conductor.Intake;

/// <summary>A message that is not a ticket or an alarm. It is stored with its reason, never retried.</summary>
/// <param name="Reason">Machine-readable code (see <see cref="RejectReasons"/>).</param>
/// <param name="Detail">One readable sentence: which field, what was wrong.</param>
internal sealed record RejectedMessage(MessageFormat? Format, string Reason, string Detail) : ParsedMessage;

/// <summary>The reason codes stored in <c>rejected_messages.reason</c>.</summary>
internal static class RejectReasons
{
    public const string EmptyBody = "empty_body";
    public const string TooLarge = "too_large";
    public const string MalformedJson = "malformed_json";
    public const string UnknownShape = "unknown_shape";
    public const string UnsupportedEvent = "unsupported_event";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";

    /// <summary>GitHub deliveries that fail the signature check (see <c>Intake/GitHub</c>).</summary>
    public const string NoSecret = "no_secret";
    public const string Unsigned = "unsigned";
    public const string BadSignature = "bad_signature";
}
