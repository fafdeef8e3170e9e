namespace AgentConductor.Conductor.Notify;

/// <summary>A due row of <c>notify_deliveries</c>; <see cref="Attempts"/> counts the attempts made before this one.</summary>
internal sealed record PendingDelivery(string EventId, string Destination, int Attempts);
