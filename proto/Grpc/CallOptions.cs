namespace AgentConductor.Proto.Grpc;

/// <summary>
/// Per-call settings. Cancellation is not here: every call method takes a <see cref="CancellationToken"/>
/// last, which cancels the call (the HTTP/2 stream is reset).
/// </summary>
/// <param name="Headers">Extra request metadata, e.g. <c>authorization: Bearer ...</c>.</param>
/// <param name="Deadline">When the call must be over (UTC, measured with the channel's clock); sent as <c>grpc-timeout</c>.</param>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null);
