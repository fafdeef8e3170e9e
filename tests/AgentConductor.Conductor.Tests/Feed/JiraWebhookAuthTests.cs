using System.Text;
using AgentConductor.Conductor.Feed;

namespace AgentConductor.Conductor.Tests.Feed;

public sealed class JiraWebhookAuthTests
{
    private const string Secret = "the-shared-webhook-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"webhookEvent\":\"jira:issue_created\"}");

    [Fact]
    public void Problem_SignatureOfTheBodyWithTheSecret_IsNone() =>
        Assert.Null(new JiraWebhookAuth(Secret, false).Problem(JiraWebhookAuth.Sign(Secret, Body), null, Body));

    [Fact]
    public void Sign_MatchesAnIndependentlyComputedHmac()
    {
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        Assert.Equal("sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Body)), JiraWebhookAuth.Sign(Secret, Body));
    }

    [Theory]
    [InlineData("other-secret-of-some-length", "does not match")]
    [InlineData(null, "is not a sha256= signature")]
    [InlineData("", "no X-Hub-Signature")]
    public void Problem_WrongOrMissingSignature_IsRefused(string? signingSecret, string expected)
    {
        var signature = signingSecret switch
        {
            null => "sha1=" + Convert.ToHexStringLower(new byte[20]),
            "" => null,
            _ => JiraWebhookAuth.Sign(signingSecret, Body),
        };

        Assert.Contains(expected, new JiraWebhookAuth(Secret, false).Problem(signature, null, Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_SignatureOfAnotherBody_IsRefused()
    {
        var signature = JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes("{\"webhookEvent\":\"jira:issue_deleted\"}"));

        Assert.Contains("does not match", new JiraWebhookAuth(Secret, false).Problem(signature, null, Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NotHexadecimal_IsRefused() =>
        Assert.Contains("not hexadecimal", new JiraWebhookAuth(Secret, false).Problem("sha256=zz", null, Body), StringComparison.Ordinal);

    [Fact]
    public void Problem_PlainSecret_OnlyWhenAllowedAndOnlyTheRightOne()
    {
        Assert.Contains("--allow-plain-secret", new JiraWebhookAuth(Secret, false).Problem(null, Secret, Body), StringComparison.Ordinal);
        Assert.Null(new JiraWebhookAuth(Secret, true).Problem(null, Secret, Body));
        Assert.Contains("does not match", new JiraWebhookAuth(Secret, true).Problem(null, Secret + "x", Body), StringComparison.Ordinal);
    }
}
