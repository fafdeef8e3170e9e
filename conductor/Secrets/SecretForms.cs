using System.Text.Json;
using AgentConductor.Common;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// The forms a secret travels in, as the worker's masker knows them (<see cref="SecretEncodings"/>), plus the JSON forms
/// the conductor stores (as System.Text.Json and as protobuf's JSON formatter write it: progress events are stored in
/// that form) and a multi-line key's body as one line.
/// </summary>
internal static class SecretForms
{
    public static IEnumerable<string> Of(string value)
    {
        foreach (var form in SecretEncodings.Of(value))
        {
            yield return form;
        }

        yield return Unquote(JsonSerializer.Serialize(value));
        yield return Unquote(JsonFormatter.Default.Format(new StringValue { Value = value }));

        if (SecretEncodings.Lines(value) is { Count: > 0 } lines)
        {
            // A PEM body printed without its line breaks.
            yield return string.Concat(lines.Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        }
    }

    private static string Unquote(string json) => json.Length >= 2 && json[0] == '"' && json[^1] == '"' ? json[1..^1] : json;
}
