namespace AgentConductor.Conductor.Routing;

/// <summary>Which repository a job works in: the first matching route wins, else <see cref="Default"/>.</summary>
internal sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>Routes in priority order.</summary>
    public List<RepositoryRoute> Routes { get; set; } = [];

    /// <summary>The route of jobs no other route matches; none means such jobs cannot run.</summary>
    public RepositoryRoute? Default { get; set; }
}
