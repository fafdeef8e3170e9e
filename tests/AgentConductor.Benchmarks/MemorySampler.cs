using System.Diagnostics;

namespace AgentConductor.Benchmarks;

/// <summary>Samples working set and GC heap every 10 ms and keeps the peaks since the last <see cref="Reset"/>.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Timer _timer;
    private long _peakWorkingSet;
    private long _peakGcHeap;

    public MemorySampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));

    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    public long PeakGcHeap => Interlocked.Read(ref _peakGcHeap);

    public void Reset()
    {
        Interlocked.Exchange(ref _peakWorkingSet, 0);
        Interlocked.Exchange(ref _peakGcHeap, 0);
        Sample();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _process.Dispose();
    }

    private void Sample()
    {
        lock (_process)
        {
            _process.Refresh();
            Peak.Raise(ref _peakWorkingSet, _process.WorkingSet64);
        }

        Peak.Raise(ref _peakGcHeap, GC.GetTotalMemory(forceFullCollection: false));
    }
}
