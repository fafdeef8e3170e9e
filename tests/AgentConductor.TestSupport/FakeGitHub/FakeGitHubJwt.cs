using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// Checks an App's JWT as GitHub does: three base64url parts, <c>alg</c> RS256, a valid RS256 signature by the App's key,
/// <c>iss</c> the App's id (number or string), <c>iat</c> not in the future, <c>exp</c> in the future and at most 10 minutes
/// ahead, on the fake's clock. Null when it passes, else GitHub's 401 message.
/// </summary>
internal static class FakeGitHubJwt
{
    public const string Undecodable = "A JSON web token could not be decoded";

    public static string? Check(string jwt, FakeGitHubApp app)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var header) || !TryDecode(parts[1], out var payload) || !TryDecode(parts[2], out var signature))
        {
            return Undecodable;
        }

        try
        {
            using var headerJson = JsonDocument.Parse(header);
            using var payloadJson = JsonDocument.Parse(payload);
            if (!headerJson.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
            {
                return Undecodable;
            }

            if (!app.PublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return Undecodable;
            }

            var claims = payloadJson.RootElement;
            var issuer = claims.TryGetProperty("iss", out var iss) ? iss.ValueKind switch
            {
                JsonValueKind.String => iss.GetString(),
                JsonValueKind.Number => iss.GetRawText(),
                _ => null,
            } : null;
            if (issuer != app.AppId)
            {
                return "Integration not found";
            }

            var now = app.Time.GetUtcNow().ToUnixTimeSeconds();
            if (!claims.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issuedAt) || issuedAt > now)
            {
                return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
            }

            if (!claims.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expiresAt) || expiresAt <= now)
            {
                return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
            }

            return expiresAt > now + 600 ? "'Expiration time' claim ('exp') is too far in the future." : null;
        }
        catch (JsonException)
        {
            return Undecodable;
        }
    }

    private static bool TryDecode(string part, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(part);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
