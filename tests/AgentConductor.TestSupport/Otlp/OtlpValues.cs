using System.Globalization;
using AgentConductor.TestSupport.Otlp.Wire;

namespace AgentConductor.TestSupport.Otlp;

/// <summary>Reads decoded OTLP attributes and data points.</summary>
public static class OtlpValues
{
    public static string? Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => string.Join(",", value.ArrayValue.Values.Select(Text)),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToHexStringLower(value.BytesValue.Span),
        _ => null,
    };

    /// <summary>The attributes of a data point as "key=value" pairs sorted by key, e.g. "from=none,to=pending".</summary>
    public static string Tags(IEnumerable<KeyValue> attributes) =>
        string.Join(",", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Text(a.Value)}"));

    /// <summary>The values of a sum or gauge by their <see cref="Tags"/>.</summary>
    public static Dictionary<string, double> Points(Metric metric)
    {
        var points = metric.DataCase switch
        {
            Metric.DataOneofCase.Sum => metric.Sum.DataPoints,
            Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints,
            _ => throw new InvalidOperationException($"{metric.Name} is a {metric.DataCase}, not a sum or gauge."),
        };
        return points.ToDictionary(p => Tags(p.Attributes), p => p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble);
    }

    /// <summary>The points of a histogram by their <see cref="Tags"/>.</summary>
    public static Dictionary<string, HistogramDataPoint> HistogramPoints(Metric metric) =>
        metric.DataCase == Metric.DataOneofCase.Histogram
            ? metric.Histogram.DataPoints.ToDictionary(p => Tags(p.Attributes))
            : throw new InvalidOperationException($"{metric.Name} is a {metric.DataCase}, not a histogram.");
}
