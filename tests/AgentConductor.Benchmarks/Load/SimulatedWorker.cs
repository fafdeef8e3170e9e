using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// One worker as the conductor sees it, through the real worker's <see cref="ConductorClient"/>: a handshake with its job
/// token, then heartbeats on the interval its job spec names (each round trip timed) and one long <c>PublishProgress</c>
/// stream fed with whatever <see cref="Offer"/> queues.
/// </summary>
internal sealed class SimulatedWorker : IDisposable
{
    private readonly ConductorClient _client;
    private readonly Channel<ProgressUpdate> _updates = Channel.CreateUnbounded<ProgressUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<double> _heartbeatMilliseconds = [];

    public SimulatedWorker(Uri conductor, string jobId, string token, HttpMessageHandler handler)
    {
        JobId = jobId;
        _client = new ConductorClient(
            new ConductorConnection(conductor, jobId, token), new ConductorRetryOptions(), TimeProvider.System, NullLogger<ConductorClient>.Instance, httpHandler: handler);
    }

    public string JobId { get; }

    /// <summary>Round trips of the heartbeats started inside the recorded window, in milliseconds.</summary>
    public IReadOnlyList<double> HeartbeatMilliseconds => _heartbeatMilliseconds;

    public int HeartbeatFailures { get; private set; }

    public string? FirstFailure { get; private set; }

    public long Offered { get; private set; }

    public long Sent { get; private set; }

    /// <summary>The conductor's <c>accepted_count</c> for the progress stream, once it has ended.</summary>
    public long Accepted { get; private set; }

    /// <summary>The handshake (retried by the client while the conductor answers UNAVAILABLE); returns the spec's heartbeat interval.</summary>
    public async Task<TimeSpan> HandshakeAsync(CancellationToken cancellationToken)
    {
        var response = await _client.HandshakeAsync(new HandshakeRequest { WorkerVersion = "load-benchmark" }, cancellationToken);
        return response.Job.HeartbeatInterval.ToTimeSpan();
    }

    /// <summary>Heartbeats due at <paramref name="firstDue"/> and every <paramref name="interval"/> after it until <paramref name="stopAt"/> (Stopwatch timestamps).</summary>
    public async Task HeartbeatAsync(long firstDue, TimeSpan interval, long recordFrom, long stopAt, CancellationToken cancellationToken)
    {
        var step = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        for (var due = firstDue; due < stopAt; due = NextSlot(due, step))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await _client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.RunningAgent, CurrentStep = "agent turn 3" }, cancellationToken);
                if (started >= recordFrom)
                {
                    _heartbeatMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                HeartbeatFailures++;
                FirstFailure ??= ex.Message;
            }
        }
    }

    /// <summary>The next heartbeat slot still ahead: a heartbeat that took longer than the interval is not followed by a burst of catch-ups.</summary>
    private static long NextSlot(long due, long step)
    {
        var now = Stopwatch.GetTimestamp();
        due += step;
        return due >= now ? due : due + ((now - due) / step + 1) * step;
    }

    public void Offer(ProgressUpdate update)
    {
        _updates.Writer.TryWrite(update);
        Offered++;
    }

    /// <summary>Ends the progress stream once everything offered is sent.</summary>
    public void EndProgress() => _updates.Writer.TryComplete();

    /// <summary>One <c>PublishProgress</c> stream carrying every update offered until <see cref="EndProgress"/>.</summary>
    public async Task StreamProgressAsync(CancellationToken cancellationToken)
    {
        var response = await _client.PublishProgressAsync(ReadOfferedAsync(cancellationToken), cancellationToken);
        Accepted = response.AcceptedCount;
    }

    public void Dispose() => _client.Dispose();

    private async IAsyncEnumerable<ProgressUpdate> ReadOfferedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in _updates.Reader.ReadAllAsync(cancellationToken))
        {
            yield return update;
            Sent++;
        }
    }
}
