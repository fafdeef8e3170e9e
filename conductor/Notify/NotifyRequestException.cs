namespace AgentConductor.Conductor.Notify;

/// <summary>A request got no answer (connection refused, TLS failure, timeout); trying again later may work.</summary>
internal sealed class NotifyRequestException(string message, Exception innerException) : Exception(message, innerException);
