namespace AgentConductor.Conductor.Notify;

/// <summary>Delivers events to one destination. Failures are answers (<see cref="DeliveryOutcome"/>), not exceptions.</summary>
internal interface INotifier
{
    /// <param name="attempt">1 for the first attempt; a later one may follow an attempt whose outcome is unknown.</param>
    Task<DeliveryOutcome> DeliverAsync(NotifyEvent notifyEvent, string body, int attempt, CancellationToken cancellationToken);
}
