using AgentConductor.Conductor.GitHub;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.GitHub;

/// <summary>The GitHub App settings are checked at startup, the key read and tried then; every problem is listed, no key text.</summary>
public sealed class GitHubAppOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Validate_NoApp_Succeeds()
    {
        Assert.True(new GitHubAppOptionsValidator().Validate(null, new GitHubAppOptions()).Succeeded);
    }

    [Theory]
    [InlineData("pkcs1")]
    [InlineData("pkcs8")]
    public void Validate_KeyAsGitHubHandsItOut_Succeeds(string format)
    {
        using var key = FakeGitHubApp.CreateKey();
        var path = Write("app.pem", format == "pkcs1" ? key.ExportRSAPrivateKeyPem() : key.ExportPkcs8PrivateKeyPem());

        var result = new GitHubAppOptionsValidator().Validate(null, new GitHubAppOptions { AppId = "Iv1.0123abcd", AppPrivateKeyPath = path });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblem()
    {
        var path = Write("app.pem", "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END RSA PRIVATE KEY-----\n");
        var options = new GitHubAppOptions
        {
            AppId = "my app",
            AppPrivateKeyPath = path,
            InstallationId = -1,
            ApiUrl = new Uri("ftp://github.example/"),
            UserAgent = "agent conductor",
            MaxRetries = -1,
        };
        options.Permissions["contents"] = "read";
        options.Permissions["Issues!"] = "write";
        options.Permissions["checks"] = "all";

        var failures = new GitHubAppOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("GitHub:AppId must be the App's numeric id or its client id", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains($"'{path}' is not a usable RSA private key", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:InstallationId must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:ApiUrl must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:Permissions:Issues! = 'write' is not a GitHub permission", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:Permissions:checks = 'all' is not a GitHub permission", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:Permissions:contents must be write", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:UserAgent", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GitHub:MaxRetries", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("bm90IGEga2V5", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KeysThatCannotSign_SayWhy()
    {
        using var key = FakeGitHubApp.CreateKey();
        using var small = System.Security.Cryptography.RSA.Create(1024);
        var cases = new Dictionary<string, string>
        {
            [Write("public.pem", key.ExportSubjectPublicKeyInfoPem())] = "holds no PEM private key",
            [Write("encrypted.pem", key.ExportEncryptedPkcs8PrivateKeyPem("pw", new System.Security.Cryptography.PbeParameters(
                System.Security.Cryptography.PbeEncryptionAlgorithm.Aes256Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 1000)))] = "is an encrypted key",
            [Write("small.pem", small.ExportRSAPrivateKeyPem())] = "is a 1024-bit RSA key",
            [_directory.File("missing.pem")] = "there is no file at",
            [Write("ec.pem", System.Security.Cryptography.ECDsa.Create().ExportPkcs8PrivateKeyPem())] = "is not a usable RSA private key",
        };

        foreach (var (path, expected) in cases)
        {
            var failures = new GitHubAppOptionsValidator().Validate(null, new GitHubAppOptions { AppId = "1", AppPrivateKeyPath = path }).Failures;
            Assert.Contains(expected, Assert.Single(failures!), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_OnlyOneOfIdAndKey_NamesTheOther()
    {
        var withoutKey = new GitHubAppOptionsValidator().Validate(null, new GitHubAppOptions { AppId = "1" }).Failures!;
        var withoutId = new GitHubAppOptionsValidator().Validate(null, new GitHubAppOptions { AppPrivateKeyPath = _directory.File("x.pem") }).Failures!;

        Assert.Contains(withoutKey, f => f.StartsWith("GitHub:AppPrivateKeyPath is required with GitHub:AppId", StringComparison.Ordinal));
        Assert.Contains(withoutId, f => f.StartsWith("GitHub:AppId is required with GitHub:AppPrivateKeyPath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_BadKey_StopsTheConductorNamingTheSetting()
    {
        var path = Write("app.pem", "not a key");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ConductorHost.StartAsync(["--GitHub:AppId=1", $"--GitHub:AppPrivateKeyPath={path}"], cancellationToken: Ct));

        Assert.Contains($"GitHub:AppPrivateKeyPath: '{path}' holds no PEM private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ExtraPermissions_AddedToTheDefaults()
    {
        using var key = FakeGitHubApp.CreateKey();
        var path = Write("app.pem", key.ExportRSAPrivateKeyPem());

        await using var host = await ConductorHost.StartAsync(
            ["--GitHub:AppId=1", $"--GitHub:AppPrivateKeyPath={path}", "--GitHub:Permissions:issues=write", "--GitHub:Permissions:checks=read"], cancellationToken: Ct);

        var options = host.Services.GetRequiredService<IOptions<GitHubAppOptions>>().Value;
        Assert.Equal(
            new Dictionary<string, string> { ["checks"] = "read", ["contents"] = "write", ["issues"] = "write", ["pull_requests"] = "write" },
            options.Permissions.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.NotNull(host.Services.GetService<IInstallationTokens>());
    }

    private string Write(string name, string text)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, text);
        return path;
    }
}
