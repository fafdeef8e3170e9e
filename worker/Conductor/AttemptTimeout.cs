using Grpc.Core;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// The time limit of one attempt of a conductor call, on the client's <see cref="TimeProvider"/> (Grpc.Net.Client's own
/// deadline timer runs on the system clock, so it is not used): when it passes, the call is cancelled, which resets its
/// HTTP/2 stream so the conductor's handler stops too, and the failure becomes DEADLINE_EXCEEDED.
/// </summary>
internal sealed class AttemptTimeout : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource? _linked;
    private readonly TimeSpan? _timeout;

    public AttemptTimeout(TimeSpan? timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        if (timeout is { } limit)
        {
            _timer = new CancellationTokenSource(limit, timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
        }

        Token = _linked?.Token ?? cancellationToken;
    }

    /// <summary>Cancelled by the caller or when the attempt's time is up.</summary>
    public CancellationToken Token { get; }

    /// <summary>Whether the attempt's time is up.</summary>
    public bool Expired => _timer?.IsCancellationRequested == true;

    /// <summary>The failure of an attempt whose time ran out (the call itself saw a cancellation).</summary>
    public RpcException DeadlineExceeded() => new(new Status(StatusCode.DeadlineExceeded, $"Deadline Exceeded: no answer within {_timeout}."));

    public void Dispose()
    {
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
