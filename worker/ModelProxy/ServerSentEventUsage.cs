using System.Buffers;
using System.Text.Json;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// Watches a Responses API event stream go by, byte chunks as they arrive, and adds up the <c>usage</c> of every
/// <c>response.completed</c> event. It only reads: the bytes the agent gets are the ones the model sent.
/// </summary>
internal sealed class ServerSentEventUsage
{
    // A response.completed event repeats the whole response; anything past this is not worth holding to count it.
    private const int MaxEventBytes = 32 << 20;

    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly ArrayBufferWriter<byte> _data = new();
    private bool _lineTooLong;
    private bool _eventTooLong;

    public ModelTokenCounts Usage { get; private set; }

    /// <summary>How many <c>response.completed</c> events went by.</summary>
    public int Completed { get; private set; }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                _lineTooLong |= !TryAppend(_line, bytes);
                return;
            }

            _lineTooLong |= !TryAppend(_line, bytes[..end]);
            bytes = bytes[(end + 1)..];
            var line = _line.WrittenSpan;
            if (_lineTooLong)
            {
                _eventTooLong = true;
            }
            else
            {
                OnLine(line.EndsWith("\r"u8) ? line[..^1] : line);
            }

            _line.ResetWrittenCount();
            _lineTooLong = false;
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            Dispatch();
            return;
        }

        if (!line.StartsWith("data:"u8))
        {
            return; // event:, id:, retry: and comments; the data carries its own type
        }

        var value = line[5..];
        if (value.StartsWith(" "u8))
        {
            value = value[1..];
        }

        if (_data.WrittenCount > 0)
        {
            _eventTooLong |= !TryAppend(_data, "\n"u8);
        }

        _eventTooLong |= !TryAppend(_data, value);
    }

    private void Dispatch()
    {
        try
        {
            if (_data.WrittenCount > 0 && !_eventTooLong)
            {
                using var document = JsonDocument.Parse(_data.WrittenMemory);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("type", out var type) && type.ValueEquals("response.completed")
                    && root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object
                    && response.TryGetProperty("usage", out var usage))
                {
                    Usage += ModelTokenCounts.Read(usage);
                    Completed++;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a [DONE] marker, a model that speaks another dialect): nothing to count.
        }
        finally
        {
            _data.ResetWrittenCount();
            _eventTooLong = false;
        }
    }

    private static bool TryAppend(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        if (buffer.WrittenCount + bytes.Length > MaxEventBytes)
        {
            return false;
        }

        buffer.Write(bytes);
        return true;
    }
}
