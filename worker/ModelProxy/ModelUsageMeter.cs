namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// What the agent's model requests cost, counted by the proxy from the responses themselves: the agent cannot
/// under-report it. <see cref="Total"/> is what a budget (see <see cref="IModelRequestGate"/>) compares against.
/// </summary>
internal sealed class ModelUsageMeter
{
    private readonly Lock _gate = new();
    private readonly List<ModelRequestRecord> _requests = [];
    private ModelTokenCounts _total;
    private int _next;

    public ModelTokenCounts Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    public IReadOnlyList<ModelRequestRecord> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The next request's index.</summary>
    public int Next() => Interlocked.Increment(ref _next) - 1;

    public void Record(ModelRequestRecord request)
    {
        lock (_gate)
        {
            _requests.Add(request);
            _total += request.Usage;
        }
    }
}
