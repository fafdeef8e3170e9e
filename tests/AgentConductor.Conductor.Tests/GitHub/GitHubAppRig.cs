using System.Security.Cryptography;
using AgentConductor.Conductor.GitHub;
using AgentConductor.Conductor.Secrets;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;

namespace AgentConductor.Conductor.Tests.GitHub;

/// <summary>
/// A GitHub App for tests: its key pair (the private half as a PEM file, PKCS#1 like GitHub hands out), the strict fake
/// GitHub that knows the public half and where the App is installed (<c>acme/app</c>, <c>acme/api</c>), and the
/// conductor's minting on top of it, built as the host builds it.
/// </summary>
internal sealed class GitHubAppRig : IAsyncDisposable
{
    public const string AppId = "424242";

    private GitHubAppRig(RSA key, TempDirectory directory, FakeGitHubApp app, FakeGitHubServer server, long installationId)
    {
        Key = key;
        Directory = directory;
        App = app;
        Server = server;
        InstallationId = installationId;
    }

    public RSA Key { get; }

    public TempDirectory Directory { get; }

    public string KeyPath => Directory.File("app.pem");

    public FakeGitHubApp App { get; }

    public FakeGitHubServer Server { get; }

    /// <summary>The App's installation on acme (app and api).</summary>
    public long InstallationId { get; }

    /// <param name="gitHubTime">GitHub's clock (the fake checks JWTs and expires tokens on it).</param>
    /// <param name="knownKey">The public key GitHub holds for the App; the rig's own by default.</param>
    /// <param name="granted">What the installation was granted; contents and pull requests write by default.</param>
    public static async Task<GitHubAppRig> StartAsync(
        TimeProvider? gitHubTime = null, RSA? knownKey = null, IReadOnlyDictionary<string, string>? granted = null, CancellationToken cancellationToken = default)
    {
        var key = FakeGitHubApp.CreateKey();
        var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("app.pem"), key.ExportRSAPrivateKeyPem(), cancellationToken);
        var app = new FakeGitHubApp(AppId, knownKey ?? key, gitHubTime);
        var installation = app.Install("acme", ["app", "api"], granted);
        var server = await FakeGitHubServer.StartAsync(app, cancellationToken: cancellationToken);
        return new GitHubAppRig(key, directory, app, server, installation);
    }

    /// <summary>The conductor settings that configure this App.</summary>
    public string[] Settings(params string[] more) =>
        [$"--GitHub:AppId={AppId}", $"--GitHub:AppPrivateKeyPath={KeyPath}", $"--GitHub:ApiUrl={Server.BaseUrl}", .. more];

    public GitHubAppOptions Options(Action<GitHubAppOptions>? configure = null)
    {
        var options = new GitHubAppOptions { AppId = AppId, AppPrivateKeyPath = KeyPath, ApiUrl = Server.BaseUrl };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The conductor's minting against the fake, on <paramref name="time"/>, with a secret registry of its own.</summary>
    public MintingRig Minting(TimeProvider time, Action<GitHubAppOptions>? configure = null)
    {
        var options = Options(configure);
        var secrets = new SecretRegistry([], time);
        var jwt = new GitHubAppJwt(options, time, secrets);
        var handlerLogger = new ListLogger<GitHubAppHttpHandler>();
        var client = new GitHubAppClient(options, jwt, time, handlerLogger, backoff: ConductorHost.HalfJitter);
        var logger = new ListLogger<InstallationTokens>();
        return new MintingRig(new InstallationTokens(client, Microsoft.Extensions.Options.Options.Create(options), secrets, logger), secrets, logger, handlerLogger, client, jwt);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Key.Dispose();
        Directory.Dispose();
    }

    internal sealed record MintingRig(
        InstallationTokens Tokens, SecretRegistry Secrets, ListLogger<InstallationTokens> Logger, ListLogger<GitHubAppHttpHandler> HandlerLogger, GitHubAppClient Client, GitHubAppJwt Jwt)
        : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Jwt.Dispose();
        }
    }
}
