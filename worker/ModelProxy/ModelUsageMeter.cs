namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// What the agent's model requests cost, counted by the proxy from the responses themselves: the agent cannot
/// under-report it. <see cref="Total"/> is what a budget (see <see cref="IModelRequestGate"/>) compares against; it
/// includes what answers still being relayed have reported, so a request the agent sends the moment it has read an
/// answer is judged with that answer's usage.
/// </summary>
internal sealed class ModelUsageMeter
{
    private readonly Lock _gate = new();
    private readonly List<ModelRequestRecord> _requests = [];
    private readonly Dictionary<int, ModelTokenCounts> _open = [];
    private ModelTokenCounts _total;
    private int _next;

    public ModelTokenCounts Total
    {
        get
        {
            lock (_gate)
            {
                var total = _total;
                foreach (var open in _open.Values)
                {
                    total += open;
                }

                return total;
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

    /// <summary>The usage request <paramref name="index"/> has reported so far, while its answer is still being relayed.</summary>
    public void Counting(int index, ModelTokenCounts soFar)
    {
        lock (_gate)
        {
            _open[index] = soFar;
        }
    }

    /// <summary>A request has ended: its record (and final usage) replaces what <see cref="Counting"/> said of it.</summary>
    public void Record(ModelRequestRecord request)
    {
        lock (_gate)
        {
            _open.Remove(request.Index);
            _requests.Add(request);
            _total += request.Usage;
        }
    }
}
