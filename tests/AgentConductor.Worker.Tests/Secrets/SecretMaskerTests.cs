using System.Net;
using System.Text;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Secrets;

public sealed class SecretMaskerTests
{
    private const string Secret = "sk-Test/Key+42\"ab";

    [Fact]
    public void Mask_RegisteredValue_ReplacesEveryOccurrenceOnEveryLine()
    {
        var masker = new SecretMasker();
        masker.AddValue(Secret);

        var lines = new[] { $"key={Secret}", $"{Secret} and again {Secret}", "nothing here" }.Select(masker.Mask).ToList();

        Assert.Equal(["key=***", "*** and again ***", "nothing here"], lines);
    }

    [Fact]
    public void Mask_OverlappingValues_LongestFirst()
    {
        var masker = new SecretMasker();
        masker.AddValue("abcd");
        masker.AddValue("abcdefgh");

        Assert.Equal("x *** y ***", masker.Mask("x abcdefgh y abcd"));
    }

    [Fact]
    public void Mask_ValueShorterThanFourCharacters_Ignored()
    {
        var masker = new SecretMasker();
        masker.AddValue("abc");
        masker.AddValue("");

        Assert.Equal("abc is fine", masker.Mask("abc is fine"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(15)]
    public void Mask_Base64InsideLongerEncoding_Masked(int prefixLength)
    {
        var masker = new SecretMasker();
        masker.AddValue(Secret);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('u', prefixLength) + Secret + "!tail"));

        var masked = masker.Mask($"Authorization: Basic {encoded}");

        Assert.Contains("***", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_WholeBase64WithPadding_FullyMasked()
    {
        var masker = new SecretMasker();
        masker.AddValue(Secret);

        Assert.Equal("b64 ***", masker.Mask($"b64 {Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret))}"));
    }

    [Fact]
    public void Mask_UrlEncodedForms_Masked()
    {
        var masker = new SecretMasker();
        masker.AddValue("p@ss w/rd+&=");

        Assert.Equal("a=*** b=***", masker.Mask($"a={Uri.EscapeDataString("p@ss w/rd+&=")} b={WebUtility.UrlEncode("p@ss w/rd+&=")}"));
    }

    [Fact]
    public void Mask_JsonEscapedForm_Masked()
    {
        var masker = new SecretMasker();
        masker.AddValue(Secret);

        Assert.Equal("{\"key\":\"***\"}", masker.Mask("{\"key\":\"sk-Test/Key+42\\\"ab\"}"));
    }

    [Fact]
    public void Mask_MultiLineValue_EachLineMasked()
    {
        var masker = new SecretMasker();
        masker.AddValue("-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----");

        Assert.Equal("***", masker.Mask("MIIEvQIBADANBg"));
        Assert.Equal("*** trailer", masker.Mask("-----END KEY----- trailer"));
    }

    [Fact]
    public void Mask_NothingRegistered_ReturnsLineUnchanged()
    {
        Assert.Equal("plain line", new SecretMasker().Mask("plain line"));
    }
}
