namespace AgentConductor.Worker.GitHub;

/// <summary>Exponential backoff with "equal jitter": half the step is fixed, half random, so waits grow but never sync up.</summary>
internal static class GitHubBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan cap, Random random)
    {
        var step = baseDelay * Math.Pow(2, Math.Min(attempt, 16));
        if (step > cap)
        {
            step = cap;
        }

        return (step / 2) + (step / 2 * random.NextDouble());
    }
}
