using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// Verifies a received request's SigV4 <c>Authorization</c> header from first principles (canonical request, string to
/// sign, HMAC key chain), independently of the production signer. Returns null when valid, else what is wrong.
/// Handles what the JSON protocol sends: <c>POST /</c>, no query string.
/// </summary>
public static class SigV4Check
{
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly string[] RequiredSignedHeaders = ["content-type", "host", "x-amz-date", "x-amz-target"];

    public static string? Problem(HttpRequest request, byte[] body, string accessKey, string secretKey, string region, string service, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string scheme = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return $"Authorization is not SigV4: '{authorization}'";
        }

        var parts = authorization[scheme.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return $"Authorization lacks Credential, SignedHeaders or Signature: '{authorization}'";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != accessKey || scope[2] != region || scope[3] != service || scope[4] != "aws4_request")
        {
            return $"credential scope '{credential}' is not {accessKey}/<date>/{region}/{service}/aws4_request";
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return $"X-Amz-Date '{amzDate}' is not yyyyMMddTHHmmssZ";
        }

        if (scope[1] != amzDate[..8])
        {
            return $"credential date {scope[1]} does not match X-Amz-Date {amzDate}";
        }

        if ((now - signedAt).Duration() > TimeSpan.FromMinutes(5))
        {
            return $"X-Amz-Date {amzDate} is more than 5 minutes from now ({now:O})";
        }

        var headerNames = signedHeaders.Split(';');
        if (RequiredSignedHeaders.FirstOrDefault(h => !headerNames.Contains(h)) is { } missing)
        {
            return $"SignedHeaders '{signedHeaders}' does not include {missing}";
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(request.Path.HasValue ? request.Path.Value : "/").Append('\n')
            .Append('\n');
        foreach (var name in headerNames)
        {
            canonical.Append(name).Append(':').Append(request.Headers[name].ToString().Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Hex(SHA256.HashData(body)));
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), scope[1]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return expected == signature ? null : $"signature {signature} does not match the expected {expected}";
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
