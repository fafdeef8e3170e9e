namespace AgentConductor.Conductor.Scheduling;

/// <summary>A message as it arrived: its idempotency key, its body verbatim and when it was received.</summary>
internal sealed record InboundMessage(string MessageId, string Body, DateTimeOffset ReceivedAt);
