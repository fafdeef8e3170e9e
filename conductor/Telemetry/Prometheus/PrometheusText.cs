using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AgentConductor.Conductor.Telemetry.Prometheus;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4) of OpenTelemetry metrics, named as the OpenTelemetry
/// compatibility rules name them: <c>.</c> and other characters become <c>_</c>, the unit is a suffix (<c>s</c> ->
/// <c>_seconds</c>, <c>By</c> -> <c>_bytes</c>, annotations such as <c>{job}</c> add nothing), and monotonic sums end in
/// <c>_total</c>. Monotonic sums are counters, other sums and gauges are gauges, explicit-bucket histograms are
/// histograms (cumulative <c>_bucket</c> lines up to <c>le="+Inf"</c>, <c>_sum</c>, <c>_count</c>).
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<Metric> metrics)
    {
        var text = new StringBuilder();
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            var type = TypeOf(metric.MetricType);
            if (type is null)
            {
                continue; // exponential histograms: none is configured, and the 0.0.4 format has no place for them
            }

            var name = MetricName(metric.Name, metric.Unit, type == "counter");
            if (!written.Add(name))
            {
                continue; // two instruments that map to one name: the first one wins, as a scrape must not repeat a family
            }

            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = Labels(point.Tags);
                if (type == "histogram")
                {
                    WriteHistogram(text, name, labels, point);
                }
                else
                {
                    text.Append(name).Append(Braces(labels)).Append(' ').Append(Value(metric.MetricType, point)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The Prometheus name of an OpenTelemetry instrument.</summary>
    public static string MetricName(string name, string? unit, bool counter)
    {
        var result = Sanitize(name, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result += "_" + suffix;
        }

        if (counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }

        return result;
    }

    private static string? TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic or MetricType.LongGauge or MetricType.DoubleGauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => null,
    };

    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit))
        {
            return "";
        }

        // Annotations in braces ({job}, {request}) say what is counted; they are not units.
        var bare = string.Concat(unit.Split('{').Select(part => part.Contains('}', StringComparison.Ordinal) ? part[(part.IndexOf('}', StringComparison.Ordinal) + 1)..] : part));
        if (bare.Split('/') is [var per, var time])
        {
            var rate = Unit(per);
            var denominator = Singular(time);
            return rate.Length == 0 ? $"per_{denominator}" : $"{rate}_per_{denominator}";
        }

        return Unit(bare);
    }

    private static string Unit(string unit) => unit switch
    {
        "" or "1" => "",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "d" => "days",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "%" => "percent",
        _ => Sanitize(unit, allowColon: false).Trim('_'),
    };

    private static string Singular(string unit) => unit switch
    {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        _ => Unit(unit),
    };

    private static void WriteHistogram(StringBuilder text, string name, List<(string Name, string Value)> labels, MetricPoint point)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
            text.Append(name).Append("_bucket").Append(Braces([.. labels, ("le", le)])).Append(' ').Append(cumulative).Append('\n');
        }

        text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(point.GetHistogramSum())).Append('\n');
        text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(point.GetHistogramCount()).Append('\n');
    }

    private static string Value(MetricType type, MetricPoint point) => type switch
    {
        MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => Number(point.GetSumDouble()),
        MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
        _ => Number(point.GetGaugeLastValueDouble()),
    };

    private static List<(string Name, string Value)> Labels(ReadOnlyTagCollection tags)
    {
        var labels = new List<(string Name, string Value)>(tags.Count);
        foreach (var tag in tags)
        {
            labels.Add((Sanitize(tag.Key, allowColon: false), tag.Value switch
            {
                bool b => b ? "true" : "false",
                double d => Number(d),
                float f => Number(f),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => tag.Value?.ToString() ?? "",
            }));
        }

        return labels;
    }

    private static string Braces(List<(string Name, string Value)> labels) =>
        labels.Count == 0 ? "" : "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{EscapeLabel(l.Value)}\"")) + "}";

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Characters outside <c>[a-zA-Z0-9_]</c> (and <c>:</c> in metric names) become <c>_</c>; runs of <c>_</c> collapse; no leading digit.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') || (allowColon && c == ':');
            var next = ok ? c : '_';
            if (next == '_' && result.Length > 0 && result[^1] == '_')
            {
                continue;
            }

            result.Append(next);
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    private static string EscapeHelp(string? text) => (text ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
