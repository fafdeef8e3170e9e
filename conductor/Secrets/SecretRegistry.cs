using System.Buffers;
using System.Text;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// The one list of secrets the conductor holds, and the masking of text it stores or logs: every registered value (in
/// the forms it travels in, see <see cref="SecretForms"/>) and every common token shape (<see cref="SecretShapes"/>)
/// becomes <c>***</c>. Values come from the registered <see cref="ISecretSource"/>s when the registry is first used,
/// and from <see cref="Register(string, DateTimeOffset?)"/> as the conductor acquires them (minted tokens, resolved AWS
/// credentials). Values shorter than <see cref="MinimumLength"/> are ignored: masking them would mangle ordinary text.
/// </summary>
internal sealed class SecretRegistry
{
    public const string Replacement = "***";
    public const int MinimumLength = 6;

    /// <summary>A short-lived value (a minted token) is still masked this long after it expires.</summary>
    private static readonly TimeSpan ExpiredRetention = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly IEnumerable<ISecretSource> _sources;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string[]> _forms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _expiring = new(StringComparer.Ordinal);
    private volatile Snapshot? _snapshot;
    private volatile bool _changed = true;
    private bool _loaded;

    public SecretRegistry(IEnumerable<ISecretSource> sources, TimeProvider time)
    {
        _sources = sources;
        _time = time;
    }

    /// <summary>How many distinct forms are masked now (for tests and diagnostics).</summary>
    public int Count => Current().LongestFirst.Length;

    /// <summary>
    /// Masks <paramref name="value"/> from now on; with <paramref name="expiresAt"/>, until an hour after that (the token
    /// shapes still catch a GitHub token after that). Call it before anything that could carry the value is written.
    /// Cheap: the masking set is rebuilt once, at the next <see cref="Mask"/>, however many values arrived meanwhile.
    /// </summary>
    public void Register(string? value, DateTimeOffset? expiresAt = null)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinimumLength)
        {
            return;
        }

        lock (_gate)
        {
            var permanent = _forms.ContainsKey(value) && !_expiring.ContainsKey(value);
            if (expiresAt is not { } until)
            {
                _expiring.Remove(value);
                _changed |= Add(value) || !permanent;
            }
            else if (!permanent && (!_expiring.TryGetValue(value, out var known) || known < until))
            {
                _expiring[value] = until;
                _changed |= Add(value);
            }
        }
    }

    /// <summary><paramref name="text"/> with every registered value and every token shape replaced by <see cref="Replacement"/>.</summary>
    public string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        return SecretShapes.Mask(MaskValues(text, Current()));
    }

    /// <summary><see cref="Mask(string)"/> for a value that may be null.</summary>
    public string? MaskOrNull(string? text) => text is null ? null : Mask(text);

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !_changed && snapshot.PruneAt > _time.GetUtcNow())
        {
            return snapshot;
        }

        lock (_gate)
        {
            if (_snapshot is null || _changed || _snapshot.PruneAt <= _time.GetUtcNow())
            {
                Load();
                _changed = false;
                _snapshot = Build();
            }

            return _snapshot;
        }
    }

    /// <summary>Reads the sources once, on first use (under the lock).</summary>
    private void Load()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        foreach (var source in _sources)
        {
            try
            {
                foreach (var value in source.Values())
                {
                    if (!string.IsNullOrEmpty(value) && value.Length >= MinimumLength)
                    {
                        Add(value);
                    }
                }
            }
            catch (OptionsValidationException)
            {
                // Invalid settings stop the host at startup with every problem listed; masking must not pre-empt that report.
            }
        }
    }

    /// <summary>Computes a new value's forms once; false when it was known.</summary>
    private bool Add(string value)
    {
        if (_forms.ContainsKey(value))
        {
            return false;
        }

        _forms[value] = [.. SecretForms.Of(value).Where(f => f.Length >= MinimumLength).Distinct(StringComparer.Ordinal)];
        return true;
    }

    private Snapshot Build()
    {
        var now = _time.GetUtcNow();
        foreach (var gone in _expiring.Where(e => e.Value + ExpiredRetention <= now).Select(e => e.Key).ToList())
        {
            _expiring.Remove(gone);
            _forms.Remove(gone);
        }

        var forms = _forms.Values
            .SelectMany(f => f)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(f => f.Length)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var pruneAt = _expiring.Count == 0 ? DateTimeOffset.MaxValue : _expiring.Values.Min() + ExpiredRetention;
        return new Snapshot(forms, forms.Length == 0 ? null : SearchValues.Create(forms, StringComparison.Ordinal), pruneAt);
    }

    /// <summary>Leftmost match first, and the longest value at that position, so a value inside a longer one never leaves a tail.</summary>
    private static string MaskValues(string text, Snapshot snapshot)
    {
        if (snapshot.Values is null)
        {
            return text;
        }

        var found = text.AsSpan().IndexOfAny(snapshot.Values);
        if (found < 0)
        {
            return text;
        }

        var masked = new StringBuilder(text.Length);
        var position = 0;
        while (found >= 0)
        {
            var at = position + found;
            var length = snapshot.LongestFirst.First(v => text.AsSpan(at).StartsWith(v, StringComparison.Ordinal)).Length;
            masked.Append(text, position, at - position).Append(Replacement);
            position = at + length;
            found = text.AsSpan(position).IndexOfAny(snapshot.Values);
        }

        return masked.Append(text, position, text.Length - position).ToString();
    }

    private sealed record Snapshot(string[] LongestFirst, SearchValues<string>? Values, DateTimeOffset PruneAt);
}
