using System.Buffers;
using System.Globalization;
using System.Text;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// The percent-encoding of <c>grpc-message</c>: UTF-8 bytes outside printable ASCII (0x20-0x7E) and '%'
/// itself become <c>%XX</c>. Decoding is lenient: an invalid escape is kept as it is.
/// </summary>
internal static class GrpcMessageEncoding
{
    public static string Encode(string value)
    {
        if (!NeedsEncoding(value))
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = 0;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '%' && i + 2 < value.Length
                    && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var decoded))
                {
                    buffer[length++] = decoded;
                    i += 2;
                }
                else
                {
                    length += Encoding.UTF8.GetBytes(value.AsSpan(i, 1), buffer.AsSpan(length));
                }
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool NeedsEncoding(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return true;
            }
        }

        return false;
    }
}
