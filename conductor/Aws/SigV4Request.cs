using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Signature Version 4 for one request. We build the canonical request; the signing-key derivation and the HMAC come
/// from AWSSDK.Core (<see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>).
/// Header names are signed lower-cased and sorted, values trimmed, as the specification requires.
/// </summary>
internal static class SigV4Request
{
    public const string DateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";

    /// <summary>The value of the <c>Authorization</c> header.</summary>
    public static string Authorization(
        ImmutableCredentials credentials, string region, string service, DateTime signedAt,
        string method, Uri url, IReadOnlyDictionary<string, string> headers, string payloadHash)
    {
        var (canonical, signedHeaders) = CanonicalRequest(method, url, headers, payloadHash);
        return AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonical).ForAuthorizationHeader;
    }

    public static (string Request, string SignedHeaders) CanonicalRequest(string method, Uri url, IReadOnlyDictionary<string, string> headers, string payloadHash)
    {
        var sorted = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CollapseSpaces(h.Value.Trim())))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var builder = new StringBuilder()
            .Append(method).Append('\n')
            .Append(string.IsNullOrEmpty(url.AbsolutePath) ? "/" : url.AbsolutePath).Append('\n')
            .Append(CanonicalQuery(url.Query)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (builder.ToString(), signedHeaders);
    }

    public static string Hash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    public static string FormatDate(DateTime signedAt) => signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parameters sorted by name then value; they arrive already percent-encoded in the URL.</summary>
    private static string CanonicalQuery(string query) =>
        string.Join('&', query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .OrderBy(p => p[..p.IndexOf('=', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ThenBy(p => p, StringComparer.Ordinal));

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
