using AgentConductor.Conductor.Jobs;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// Job tokens: 256 random bits, base64url (43 characters), one per launch attempt. Only the SHA-256 of a token is
/// stored (<c>jobs.token_hash</c>); the plaintext leaves <see cref="Issue"/> once, for the launcher to hand to the worker.
/// </summary>
/// <remarks>
/// Tokens are minted at launch, not when the scheduler decides on a job: a token minted at decision time would sit
/// in the database (as a hash nobody can reverse) while its plaintext had to be kept somewhere until launch. A crash
/// between decision and launch would strand a token nobody knows. Minting in the launcher, right before it starts
/// the worker, means the plaintext exists only in the launcher's memory and the worker's environment, and a relaunch
/// simply mints a new one, which also revokes the previous attempt's token.
/// </remarks>
internal sealed class JobTokens(ConductorDatabase database, TimeProvider timeProvider) : IJobTokenIssuer
{
    public const int TokenLength = 43;
    private const int TokenBytes = 32;

    /// <summary>Mints a token for <paramref name="jobId"/> (which must be launching or launched) and returns its plaintext, once.</summary>
    public string Issue(string jobId)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        var changed = db.Execute(
            "UPDATE jobs SET token_hash = @hash, token_issued_at = @at WHERE id = @id AND state IN ('launching', 'launched')",
            ("@hash", Hash(token)), ("@at", UnixTime.ToMs(timeProvider.GetUtcNow())), ("@id", jobId));
        return changed == 1 ? token : throw new InvalidOperationException($"Job {jobId} does not exist or is not being launched; no token issued.");
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string token, byte[]? storedHash) =>
        storedHash is { Length: 32 } && CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);

    /// <summary>The token of an <c>authorization: Bearer &lt;token&gt;</c> value, or null when the value is missing or malformed.</summary>
    public static string? FromAuthorization(string? header)
    {
        const string Scheme = "Bearer ";
        if (header is null || header.Length != Scheme.Length + TokenLength || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..];
        return Base64Url.IsValid(token, out var decoded) && decoded == TokenBytes ? token : null;
    }
}
