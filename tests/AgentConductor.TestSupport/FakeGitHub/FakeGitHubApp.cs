using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// The GitHub App side of <see cref="FakeGitHubServer"/>: the App's id and public key, where it is installed, and the
/// tokens it minted. JWTs are checked on <see cref="Time"/>, tokens expire on it an hour after minting.
/// </summary>
public sealed class FakeGitHubApp
{
    private readonly ConcurrentDictionary<long, FakeInstallation> _installations = new();
    private readonly ConcurrentDictionary<string, FakeInstallationToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _minted = new();
    private readonly ConcurrentQueue<string> _jwts = new();
    private long _nextInstallation = 41_000_000;

    /// <param name="appId">The App id the JWT's <c>iss</c> must name.</param>
    /// <param name="publicKey">The key JWT signatures are checked with (the App's private key's public half).</param>
    public FakeGitHubApp(string appId, RSA publicKey, TimeProvider? time = null)
    {
        AppId = appId;
        PublicKey = publicKey;
        Time = time ?? TimeProvider.System;
    }

    public string AppId { get; }

    public RSA PublicKey { get; }

    public TimeProvider Time { get; }

    public static TimeSpan TokenLifetime { get; } = TimeSpan.FromHours(1);

    /// <summary>Every token minted so far, in the order minted.</summary>
    public IReadOnlyList<FakeInstallationToken> Tokens => [.. _minted.Select(t => _tokens[t])];

    /// <summary>Every JWT that passed the checks, in order (a JWT reused for several calls appears each time).</summary>
    public IReadOnlyList<string> AcceptedJwts => [.. _jwts];

    /// <summary>A fresh 2048-bit RSA key pair, as GitHub generates for an App.</summary>
    public static RSA CreateKey() => RSA.Create(2048);

    /// <summary>Installs the App on <paramref name="owner"/>'s <paramref name="repositories"/> with <paramref name="permissions"/>; returns the installation id.</summary>
    public long Install(string owner, IEnumerable<string> repositories, IReadOnlyDictionary<string, string>? permissions = null)
    {
        var id = Interlocked.Increment(ref _nextInstallation);
        _installations[id] = new FakeInstallation(
            id,
            owner,
            [.. repositories],
            permissions ?? new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write", ["metadata"] = "read" });
        return id;
    }

    public FakeInstallation? Installation(long id) => _installations.GetValueOrDefault(id);

    public FakeInstallation? InstallationFor(string owner, string repo) => _installations.Values.FirstOrDefault(i =>
        string.Equals(i.Owner, owner, StringComparison.OrdinalIgnoreCase) && i.Repositories.Contains(repo, StringComparer.OrdinalIgnoreCase));

    /// <summary>Makes every token minted so far expire now (as an hour passing would).</summary>
    public void ExpireTokens()
    {
        foreach (var (token, minted) in _tokens)
        {
            _tokens[token] = minted with { ExpiresAt = Time.GetUtcNow() };
        }
    }

    internal FakeInstallationToken? FindToken(string token) => _tokens.GetValueOrDefault(token);

    internal string? Authenticate(string jwt)
    {
        var problem = FakeGitHubJwt.Check(jwt, this);
        if (problem is null)
        {
            _jwts.Enqueue(jwt);
        }

        return problem;
    }

    internal FakeInstallationToken Mint(FakeInstallation installation, IReadOnlyList<string> repositories, IReadOnlyDictionary<string, string> permissions)
    {
        var token = "ghs_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
        var minted = new FakeInstallationToken(
            token,
            installation.Id,
            [.. repositories.Select(r => $"{installation.Owner}/{r}")],
            permissions,
            DateTimeOffset.FromUnixTimeSeconds((Time.GetUtcNow() + TokenLifetime).ToUnixTimeSeconds()));
        _tokens[token] = minted;
        _minted.Enqueue(token);
        return minted;
    }
}
