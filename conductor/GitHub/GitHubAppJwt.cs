using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.Secrets;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// The App's JSON Web Token (RS256, <c>iss</c> = the App): issued 60 s in the past against clock drift, expiring 9
/// minutes ahead (GitHub refuses more than 10), reused for a minute and then replaced. Each is registered as a secret.
/// </summary>
internal sealed class GitHubAppJwt : IDisposable
{
    public static readonly TimeSpan Backdate = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);
    public static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);

    private readonly string _appId;
    private readonly Lazy<RSA> _key;
    private readonly TimeProvider _time;
    private readonly SecretRegistry _secrets;
    private readonly Lock _gate = new();
    private (string Jwt, DateTimeOffset IssuedAt)? _current;

    public GitHubAppJwt(GitHubAppOptions options, TimeProvider time, SecretRegistry secrets)
    {
        _appId = options.AppId ?? throw new ArgumentException("GitHub:AppId is not set.", nameof(options));
        var path = options.AppPrivateKeyPath ?? throw new ArgumentException("GitHub:AppPrivateKeyPath is not set.", nameof(options));
        _key = new Lazy<RSA>(() => GitHubAppKey.Load(path));
        _time = time;
        _secrets = secrets;
    }

    /// <summary>A JWT valid for at least <see cref="Lifetime"/> minus <see cref="Reuse"/> from now.</summary>
    public string Current()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_current is { } current && now >= current.IssuedAt && now - current.IssuedAt < Reuse)
            {
                return current.Jwt;
            }

            var jwt = Create(_appId, _key.Value, now);
            _secrets.Register(jwt, now + Lifetime);
            _current = (jwt, now);
            return jwt;
        }
    }

    public static string Create(string appId, RSA key, DateTimeOffset now)
    {
        var payload = string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"iat":{{(now - Backdate).ToUnixTimeSeconds()}},"exp":{{(now + Lifetime).ToUnixTimeSeconds()}},"iss":"{{appId}}"}""");
        var signed = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }
}
