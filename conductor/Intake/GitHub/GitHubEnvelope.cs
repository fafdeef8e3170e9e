using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// A GitHub delivery as the conductor stores and queues it: the headers that decide about it (event, delivery id,
/// signature) with the body GitHub sent, byte for byte, in one JSON object:
/// <c>{"githubDelivery":{"event":"...","delivery":"...","signature256":"sha256=...","body":"..."}}</c>.
/// The body is a JSON string (its exact bytes when they are UTF-8), else <c>bodyBase64</c>. The webhook endpoint and the
/// feed build it; the scheduler, replays and scenarios read it, so every path verifies the same bytes.
/// </summary>
internal sealed record GitHubEnvelope(string? Event, string? DeliveryId, string? Signature, byte[] Body)
{
    public const string PropertyName = "githubDelivery";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";
    public const int MaxDeliveryIdLength = 100;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsEnvelope(JsonElement root) => root.TryGetProperty(PropertyName, out _);

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(Body.Length + 256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject(PropertyName);
            WriteOptional(json, "event", Event);
            WriteOptional(json, "delivery", DeliveryId);
            WriteOptional(json, "signature256", Signature);
            if (Utf8.IsValid(Body))
            {
                json.WriteString("body", Body);
            }
            else
            {
                json.WriteBase64String("bodyBase64", Body);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the envelope of a body that <see cref="IsEnvelope"/>; a malformed one is rejected naming its field.</summary>
    public static GitHubEnvelope Read(JsonElement root)
    {
        var reader = new JsonFieldReader(root, MessageFormat.GitHubWebhook).RequiredObject(PropertyName);
        var text = reader.OptionalString("body");
        var base64 = reader.OptionalString("bodyBase64");
        byte[] body;
        if (text is not null && base64 is null)
        {
            body = System.Text.Encoding.UTF8.GetBytes(text);
        }
        else if (base64 is not null && text is null)
        {
            try
            {
                body = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw reader.Invalid("bodyBase64", "must be base64");
            }
        }
        else
        {
            throw text is null ? reader.Missing("body") : reader.Invalid("body", "and bodyBase64 must not both be present");
        }

        return new GitHubEnvelope(reader.OptionalString("event"), reader.OptionalString("delivery"), reader.OptionalString("signature256"), body);
    }

    /// <summary>A delivery id as GitHub sends them (a GUID): letters, digits, dots, dashes and underscores, at most 100.</summary>
    public static bool IsValidDeliveryId(string? id) =>
        id is { Length: > 0 and <= MaxDeliveryIdLength } && !id.AsSpan().ContainsAnyExcept(DeliveryIdCharacters);

    private static readonly SearchValues<char> DeliveryIdCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
