using System.Buffers;
using System.Text.Json;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// The usage of a Responses API answer that came as one JSON object (<c>"stream": false</c>): the body is kept as it
/// passes (up to a bound) and its top-level <c>usage</c> read at the end.
/// </summary>
internal sealed class JsonAnswerUsage
{
    private const int MaxBytes = 32 << 20;

    private readonly ArrayBufferWriter<byte> _body = new();
    private bool _tooLong;

    /// <summary>The answer's usage so far: zero until the whole object has gone by.</summary>
    public ModelTokenCounts Usage
    {
        get
        {
            if (_tooLong || _body.WrittenCount == 0)
            {
                return default;
            }

            try
            {
                using var document = JsonDocument.Parse(_body.WrittenMemory);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("usage", out var usage)
                    ? ModelTokenCounts.Read(usage)
                    : default;
            }
            catch (JsonException)
            {
                return default; // cut short, or not an answer at all
            }
        }
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        if (_tooLong || _body.WrittenCount + bytes.Length > MaxBytes)
        {
            _tooLong = true;
            return;
        }

        _body.Write(bytes);
    }
}
