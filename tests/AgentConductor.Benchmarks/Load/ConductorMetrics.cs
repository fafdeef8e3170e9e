using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// The conductor's own view, read from its process over EventPipe the way <c>dotnet-counters</c> does (no code in the
/// conductor): ASP.NET Core's <c>http.server.request.duration</c> of the worker rpcs (the time the conductor spends on a
/// request, from the moment Kestrel hands it to the app until the response is complete) and Kestrel's connection and
/// queued-request counts, and the runtime's GC heap (live bytes after the last collection, and the memory the GC has
/// committed), each published once a second.
/// </summary>
internal sealed class ConductorMetrics : IDisposable
{
    public const string GcHeapSize = "dotnet.gc.last_collection.heap.size";
    public const string GcCommitted = "dotnet.gc.last_collection.memory.committed_size";
    private const string Provider = "System.Diagnostics.Metrics";
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly ConcurrentQueue<Window> _windows = new();
    private readonly ConcurrentDictionary<string, double> _maxima = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Instrument, string Tags), double> _latest = new();
    private volatile bool _recording;

    private ConductorMetrics(int pid)
    {
        var arguments = new Dictionary<string, string>
        {
            ["SessionId"] = _sessionId,
            ["Metrics"] = "Microsoft.AspNetCore.Hosting\\http.server.request.duration,Microsoft.AspNetCore.Server.Kestrel,"
                + $"System.Runtime\\{GcHeapSize},System.Runtime\\{GcCommitted}",
            ["RefreshInterval"] = "1",
            ["MaxTimeSeries"] = "1000",
            ["MaxHistograms"] = "100",
        };
        _session = new DiagnosticsClient(pid).StartEventPipeSession(
            new EventPipeProvider(Provider, EventLevel.Informational, keywords: 0x3, arguments), requestRundown: false, circularBufferMB: 64);
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Dynamic.All += OnEvent;
        _processing = Task.Factory.StartNew(() => _source.Process(), TaskCreationOptions.LongRunning);
    }

    public static ConductorMetrics Start(int pid) => new(pid);

    /// <summary>Windows are kept only while recording (the measured part of the load).</summary>
    public void Record(bool on) => _recording = on;

    /// <summary>
    /// The largest value seen while recording of a gauge such as <c>kestrel.active_connections</c>; for one published per
    /// tag set (the GC heap's size per generation), the largest sum over its tag sets.
    /// </summary>
    public double? Max(string instrument) => _maxima.TryGetValue(instrument, out var value) ? value : null;

    /// <summary>The per-second windows of the conductor's handling time of one rpc (milliseconds), recorded so far.</summary>
    public IReadOnlyList<Window> Handling(string rpc) => [.. _windows.Where(w => w.Route.EndsWith("/" + rpc, StringComparison.Ordinal))];

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or EndOfStreamException or IOException or TimeoutException)
        {
            // The conductor is gone already.
        }

        _processing.Wait(TimeSpan.FromSeconds(10));
        _source.Dispose();
        _session.Dispose();
    }

    private void OnEvent(TraceEvent data)
    {
        if (!_recording || data.ProviderName != Provider || (string)data.PayloadByName("sessionId") != _sessionId)
        {
            return;
        }

        var instrument = (string)data.PayloadByName("instrumentName");
        switch (data.EventName)
        {
            case "HistogramValuePublished" when instrument == "http.server.request.duration":
                var count = Convert.ToInt64(data.PayloadByName("count"), CultureInfo.InvariantCulture);
                if (count > 0)
                {
                    var quantiles = ParsePairs((string)data.PayloadByName("quantiles"), ';')
                        .ToDictionary(p => p.Key, p => double.Parse(p.Value, NumberStyles.Float, CultureInfo.InvariantCulture), StringComparer.Ordinal);
                    var route = ParsePairs((string)data.PayloadByName("tags"), ',').GetValueOrDefault("http.route", "");
                    var sum = Convert.ToDouble(data.PayloadByName("sum"), CultureInfo.InvariantCulture);
                    _windows.Enqueue(new Window(route, count, sum * 1000, quantiles.GetValueOrDefault("0.5") * 1000, quantiles.GetValueOrDefault("0.99") * 1000));
                }

                break;
            case "UpDownCounterRateValuePublished" or "GaugeValuePublished":
                var text = data.PayloadByName("value") as string;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    _latest[(instrument, (string)data.PayloadByName("tags"))] = value;
                    var sum = _latest.Where(e => e.Key.Instrument == instrument).Sum(e => e.Value);
                    _maxima.AddOrUpdate(instrument, sum, (_, old) => Math.Max(old, sum));
                }

                break;
        }
    }

    private static Dictionary<string, string> ParsePairs(string text, char separator)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(separator, StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                pairs[pair[..at]] = pair[(at + 1)..];
            }
        }

        return pairs;
    }

    /// <summary>One second of one route's requests: count, total, p50 and p99 of the conductor's handling time (ms).</summary>
    internal sealed record Window(string Route, long Count, double TotalMilliseconds, double P50, double P99);
}
