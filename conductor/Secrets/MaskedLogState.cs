using System.Collections;

namespace AgentConductor.Conductor.Secrets;

/// <summary>A log entry's state after masking: its structured values and the masked message as its text.</summary>
internal sealed class MaskedLogState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    /// <summary>The state's values with every one that holds a secret masked (as text), or null when none does.</summary>
    public static List<KeyValuePair<string, object?>>? Values<TState>(TState state, SecretRegistry secrets)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            return null;
        }

        List<KeyValuePair<string, object?>>? masked = null;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (key, value) = pairs[i];
            if (key == "{OriginalFormat}" || value is null || value.GetType().IsPrimitive || value is DateTimeOffset or DateTime or TimeSpan or Guid or Enum)
            {
                continue;
            }

            var text = value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var scrubbed = secrets.Mask(text);
            if (scrubbed != text)
            {
                masked ??= [.. pairs];
                masked[i] = new KeyValuePair<string, object?>(key, scrubbed);
            }
        }

        return masked;
    }

    public static IReadOnlyList<KeyValuePair<string, object?>> Copy<TState>(TState state) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> pairs ? pairs : [];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message;
}
