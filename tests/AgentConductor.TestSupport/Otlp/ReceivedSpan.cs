using AgentConductor.TestSupport.Otlp.Wire;

namespace AgentConductor.TestSupport.Otlp;

/// <summary>A span as it arrived at the <see cref="OtlpCollector"/>, with its resource's <c>service.name</c> and its scope.</summary>
public sealed record ReceivedSpan(string Service, Resource? Resource, string Scope, Span Span)
{
    public string Name => Span.Name;

    public string TraceId => Convert.ToHexStringLower(Span.TraceId.Span);

    public string SpanId => Convert.ToHexStringLower(Span.SpanId.Span);

    /// <summary>The parent's span id in hex; empty for a root.</summary>
    public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.Span);

    public Span.Types.SpanKind Kind => Span.Kind;

    /// <summary>The attribute's value as text (strings as they are, numbers and booleans formatted), or null.</summary>
    public string? Attribute(string key) => OtlpValues.Text(Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value);

    /// <summary>Every attribute value of the span and its resource, as text.</summary>
    public IEnumerable<string> AllValues() =>
        Span.Attributes.Concat(Resource?.Attributes ?? []).Select(a => OtlpValues.Text(a.Value) ?? "");

    public override string ToString() => $"{Service}: {Name} ({Kind}) trace {TraceId} span {SpanId} parent {ParentSpanId}";
}
