namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Stands in for a logged exception whose text carries a secret: the same type name, message and stack trace, masked.
/// </summary>
internal sealed class MaskedException : Exception
{
    private readonly string _text;

    private MaskedException(string typeName, string message, string text, string? stackTrace)
        : base(message)
    {
        TypeName = typeName;
        _text = text;
        StackTrace = stackTrace;
    }

    /// <summary>The full name of the exception this one stands in for.</summary>
    public string TypeName { get; }

    public override string? StackTrace { get; }

    /// <summary><paramref name="exception"/> itself when its text holds no secret, else a masked stand-in.</summary>
    public static Exception From(Exception exception, SecretRegistry secrets)
    {
        var text = exception.ToString();
        var masked = secrets.Mask(text);
        if (masked == text)
        {
            return exception;
        }

        return new MaskedException(exception.GetType().FullName ?? exception.GetType().Name, secrets.Mask(exception.Message), masked, secrets.MaskOrNull(exception.StackTrace));
    }

    public override string ToString() => _text;
}
