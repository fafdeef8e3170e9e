using System.Security.Cryptography;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Job ids are lowercase ULIDs: 26 characters, sortable by creation time, unique across databases,
/// safe in git branch names and usable as the ECS <c>clientToken</c> (at most 64 characters).
/// </summary>
internal static class JobIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits as 26 base-32 digits, most significant first (the top digit holds 3 bits).
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var value = new UInt128(high, low);
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}
