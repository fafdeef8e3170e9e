using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Secrets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Secrets;

public sealed class SecretRegistryTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Mask_RegisteredValue_HiddenInEveryFormItTravelsIn()
    {
        var secrets = new SecretRegistry([], _time);
        secrets.Register(Secret);

        var forms = new[]
        {
            $"aws_secret_access_key = {Secret}",
            $"https://example.test/?key={Uri.EscapeDataString(Secret)}",
            JsonSerializer.Serialize(new { key = Secret }),
            JsonFormatter.Default.Format(new StringValue { Value = Secret + " & more" }),
            $"Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + Secret))}",
            $"b64 {Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret))}",
        };

        foreach (var text in forms)
        {
            var masked = secrets.Mask(text);
            Assert.Contains("***", masked, StringComparison.Ordinal);
            Assert.DoesNotContain("wJalrXUtnFEMI", masked, StringComparison.Ordinal);
            Assert.DoesNotContain("EXAMPLEKEY", masked, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mask_ValueInsideALongerOne_LongestWinsAndNothingIsLeft()
    {
        var secrets = new SecretRegistry([], _time);
        secrets.Register("abcdef123456");
        secrets.Register("xyz-abcdef123456-tail");

        Assert.Equal("[***] [***]", secrets.Mask("[xyz-abcdef123456-tail] [abcdef123456]"));
    }

    [Fact]
    public void Mask_MultiLineKey_EachLineAndTheBodyAsOneLine()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var pem = key.ExportRSAPrivateKeyPem();
        var secrets = new SecretRegistry([], _time);
        secrets.Register(pem);
        var lines = pem.Split('\n');
        var body = string.Concat(lines.Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));

        Assert.Equal("***", secrets.Mask(pem));
        Assert.Equal("line: ***", secrets.Mask($"line: {lines[3]}"));
        Assert.Equal("***", secrets.Mask(body));
    }

    [Theory]
    [InlineData("token ghp_0123456789abcdefghijABCDEFGHIJ012345 used", "token *** used")]
    [InlineData("ghs_16C7e42F292c6912E7710c838347Ae178B4a and gho_16C7e42F292c6912E7710c838347Ae178B4a", "*** and ***")]
    [InlineData("ghu_16C7e42F292c6912E7710c838347Ae178B4a ghr_16C7e42F292c6912E7710c838347Ae178B4a", "*** ***")]
    [InlineData("pat=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "pat=***")]
    [InlineData("AKIAIOSFODNN7EXAMPLE:ASIAY34FZKBOKMUTVV7A", "***:***")]
    [InlineData("OPENAI_API_KEY=sk-proj-Abc123def456GHI789jkl012MNO345pqr_stu-vwx", "OPENAI_API_KEY=***")]
    [InlineData("sk-Abcdefghij0123456789KLMNOPQRSTuvwxyzABCDEFGHIJKL", "***")]
    [InlineData("branch agent/01j/sk-learn-upgrade-for-the-pipeline-2026", "branch agent/01j/sk-learn-upgrade-for-the-pipeline-2026")]
    [InlineData("AKIAIOSFODNN7EXAMPLEX is too long; xghp_0123456789abcdefghijABCDEFGHIJ012345 is inside a word", "AKIAIOSFODNN7EXAMPLEX is too long; xghp_0123456789abcdefghijABCDEFGHIJ012345 is inside a word")]
    [InlineData("ghp_short and task-runner", "ghp_short and task-runner")]
    public void Mask_TokenShapes_HiddenWhetherOrNotRegistered(string text, string expected)
    {
        Assert.Equal(expected, new SecretRegistry([], _time).Mask(text));
    }

    [Fact]
    public void Register_ShortValues_Ignored()
    {
        var secrets = new SecretRegistry([], _time);
        secrets.Register("true");
        secrets.Register("12345");

        Assert.Equal("true 12345", secrets.Mask("true 12345"));
        Assert.Equal(0, secrets.Count);
    }

    [Fact]
    public void Register_ExpiringValue_MaskedUntilAnHourAfterItExpires()
    {
        var secrets = new SecretRegistry([], _time);
        secrets.Register("short-lived-jwt-value", _time.GetUtcNow().AddMinutes(9));

        _time.Advance(TimeSpan.FromMinutes(68));
        var stillMasked = secrets.Mask("jwt short-lived-jwt-value");
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("jwt ***", stillMasked);
        Assert.Equal("jwt short-lived-jwt-value", secrets.Mask("jwt short-lived-jwt-value"));
        Assert.Equal(0, secrets.Count);
    }

    [Fact]
    public void Sources_ReadOnFirstUse_AndASourceWithInvalidSettingsDoesNotStopTheOthers()
    {
        var source = new CountingSource("configured-secret-1");
        var secrets = new SecretRegistry([new InvalidSource(), source], _time);
        Assert.Equal(0, source.Reads);

        Assert.Equal("x *** y", secrets.Mask("x configured-secret-1 y"));
        secrets.Register("registered-later-2");
        Assert.Equal("*** ***", secrets.Mask("configured-secret-1 registered-later-2"));
        Assert.Equal(1, source.Reads);
    }

    private sealed class CountingSource(string value) : ISecretSource
    {
        public int Reads { get; private set; }

        public IEnumerable<string?> Values()
        {
            Reads++;
            return [value, null, ""];
        }
    }

    private sealed class InvalidSource : ISecretSource
    {
        public IEnumerable<string?> Values() => throw new OptionsValidationException("Notify", typeof(object), ["Notify:Webhooks:0:Url is required."]);
    }
}
