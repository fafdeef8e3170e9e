using AgentConductor.Conductor.Secrets;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Configuration;

namespace AgentConductor.Conductor.Tests.Secrets;

public sealed class ConfiguredSecretsTests
{
    [Fact]
    public void Values_SettingsKeyFileAndPassedOnVariables_AllRegistered()
    {
        using var directory = new TempDirectory();
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var pem = key.ExportRSAPrivateKeyPem();
        File.WriteAllText(directory.File("app.pem"), pem);
        var variable = "AGENT_CONDUCTOR_TEST_PASSED_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "passed-on-to-workers-secret");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Api:Key"] = "the-api-key-value",
                ["WorkerApi:CertificatePassword"] = "pfx-password-value",
                ["GitHub:WebhookSecret"] = "github-webhook-secret",
                ["Jira:ApiToken"] = "jira-api-token-value",
                ["Notify:Webhooks:0:Url"] = "https://hooks.example/a",
                ["Notify:Webhooks:0:Secret"] = "webhook-signing-secret-a",
                ["Notify:Webhooks:1:Secret"] = "webhook-signing-secret-b",
                ["GitHub:AppPrivateKeyPath"] = directory.File("app.pem"),
                ["DockerLauncher:PassEnvironment:0"] = variable,
                ["DockerLauncher:PassEnvironment:1"] = "AGENT_CONDUCTOR_TEST_NOT_SET",
            }).Build();

            var values = new ConfiguredSecrets(configuration).Values().OfType<string>().ToList();

            Assert.Contains("the-api-key-value", values);
            Assert.Contains("pfx-password-value", values);
            Assert.Contains("github-webhook-secret", values);
            Assert.Contains("jira-api-token-value", values);
            Assert.Contains("webhook-signing-secret-a", values);
            Assert.Contains("webhook-signing-secret-b", values);
            Assert.Contains(pem.Trim(), values);
            Assert.Contains("passed-on-to-workers-secret", values);
            Assert.DoesNotContain("https://hooks.example/a", values);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Values_KeyFileMissing_LeftToTheValidator()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["GitHub:AppPrivateKeyPath"] = "/nonexistent/app.pem" }).Build();

        Assert.DoesNotContain(new ConfiguredSecrets(configuration).Values(), v => v?.Contains("PRIVATE KEY", StringComparison.Ordinal) == true);
    }
}
