namespace AgentConductor.Conductor.Launching;

/// <summary>A launch that did not start a worker. <see cref="Retryable"/> failures are tried again with backoff.</summary>
internal sealed class LaunchException(string message, bool retryable, Exception? innerException = null) : Exception(message, innerException)
{
    public bool Retryable => retryable;
}
