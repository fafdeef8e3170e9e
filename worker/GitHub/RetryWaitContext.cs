namespace AgentConductor.Worker.GitHub;

/// <summary>What the error mapper needs to turn GitHub's rate-limit headers into a wait.</summary>
/// <param name="Now">When the answer arrived.</param>
/// <param name="Attempt">Zero-based attempt that got the answer.</param>
/// <param name="SecondaryRateLimitDelay">The minimum wait after a secondary limit that names none.</param>
internal readonly record struct RetryWaitContext(DateTimeOffset Now, int Attempt, TimeSpan SecondaryRateLimitDelay);
