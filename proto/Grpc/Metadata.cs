using System.Collections;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// Custom call metadata (request headers, response trailers). ASCII values only; binary (<c>-bin</c>)
/// headers are not supported by this layer.
/// </summary>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    private readonly List<MetadataEntry> _entries = [];

    public int Count => _entries.Count;

    public MetadataEntry this[int index] => _entries[index];

    /// <summary>Adds an entry; the key is normalised to lowercase (HTTP/2 header names are lowercase).</summary>
    public void Add(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        _entries.Add(new MetadataEntry(key.ToLowerInvariant(), value));
    }

    /// <summary>The last value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    public IEnumerator<MetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
