namespace AgentConductor.Conductor.Jobs;

/// <summary>How pending jobs are launched: caps, retries of failed launches, and where workers call back.</summary>
internal sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>How often pending jobs are looked at when nothing signals new work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many jobs are active (launching, launched, connected, running) at once.</summary>
    public int MaxActive { get; set; } = 4;

    /// <summary>At most this many active incident jobs per AWS account.</summary>
    public int MaxActivePerAccount { get; set; } = 1;

    /// <summary>At most this many active ticket jobs per Jira project.</summary>
    public int MaxActivePerProject { get; set; } = 2;

    /// <summary>The first retry of a failed launch waits about this long; each further retry doubles it (with jitter).</summary>
    public TimeSpan LaunchRetryBase { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>No retry of a failed launch waits longer than this.</summary>
    public TimeSpan LaunchRetryCap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A job whose launch failed this many times (retryable failures) fails with the last reason.</summary>
    public int MaxLaunchAttempts { get; set; } = 5;

    /// <summary>
    /// The address workers call back on (given to them as <c>CONDUCTOR_URL</c>). Empty: the worker listener
    /// (<c>WorkerApi:Urls</c>, with the port it actually bound), right for workers on this machine; set it when
    /// workers reach the conductor by another name (containers, ECS).
    /// </summary>
    public string ConductorUrl { get; set; } = "";
}
