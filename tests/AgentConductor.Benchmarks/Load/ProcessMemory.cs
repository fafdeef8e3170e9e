using System.Globalization;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// Samples another process's resident set (<c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c>) every 100 ms and keeps the
/// peak since the last <see cref="Reset"/>; <see cref="HighWaterMark"/> is the kernel's own peak over the process's life
/// (<c>VmHWM</c>), which no sampling interval can miss.
/// </summary>
internal sealed class ProcessMemory : IDisposable
{
    private readonly int _pid;
    private readonly Timer _timer;
    private long _peakRss;

    public ProcessMemory(int pid)
    {
        _pid = pid;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The largest sampled VmRSS since the last <see cref="Reset"/>, in bytes.</summary>
    public long PeakRss => Interlocked.Read(ref _peakRss);

    /// <summary>VmRSS now, in bytes (0 once the process is gone).</summary>
    public long Rss => ReadKibibytes("VmRSS:") * 1024;

    /// <summary>VmHWM: the peak resident set of the process's whole life, in bytes (0 once the process is gone).</summary>
    public long HighWaterMark => ReadKibibytes("VmHWM:") * 1024;

    public void Reset()
    {
        Interlocked.Exchange(ref _peakRss, 0);
        Sample();
    }

    public void Dispose() => _timer.Dispose();

    private void Sample() => Peak.Raise(ref _peakRss, Rss);

    private long ReadKibibytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    // "VmRSS:	  123456 kB"
                    return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process has exited.
        }

        return 0;
    }
}
