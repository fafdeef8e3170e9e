using System.Security.Cryptography;
using System.Text;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>A task file the fake conductor serves, with knobs to make it lie.</summary>
/// <param name="Open">Opens the real content (called once per use, so large content is never held in memory).</param>
internal sealed record FakeTaskFile(string Path, long Size, uint Mode, Func<Stream> Open)
{
    private string? _sha256;

    /// <summary>Sent in the header instead of the real digest.</summary>
    public string? HeaderSha256 { get; init; }

    /// <summary>Sent in the header instead of the real size.</summary>
    public long? HeaderSize { get; init; }

    /// <summary>Send only this many bytes of the content, then end the whole stream with OK.</summary>
    public long? EndStreamAfter { get; init; }

    /// <summary>Send only this many bytes of the content, then abort the connection.</summary>
    public long? AbortAfter { get; init; }

    /// <summary>The real content's SHA-256, lowercase hex.</summary>
    public string Sha256 => _sha256 ??= ComputeSha256(Open);

    public static FakeTaskFile Text(string path, string content, uint mode = 420)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new FakeTaskFile(path, bytes.Length, mode, () => new MemoryStream(bytes, writable: false));
    }

    public static FakeTaskFile Generated(string path, long size, uint mode = 420)
        => new(path, size, mode, () => new PatternStream(size));

    public FileHeader ToHeader() => new() { Path = Path, Size = HeaderSize ?? Size, Mode = Mode, Sha256 = HeaderSha256 ?? Sha256 };

    public TaskFileInfo ToInfo() => new() { Path = Path, Size = Size, Mode = Mode, Sha256 = Sha256 };

    public static string ComputeSha256(Func<Stream> open)
    {
        using var stream = open();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
