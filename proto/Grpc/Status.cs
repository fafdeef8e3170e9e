namespace AgentConductor.Proto.Grpc;

/// <summary>The outcome of a call: a code and an optional human-readable detail.</summary>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static Status Ok { get; } = new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
