using System.Text;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;

namespace AgentConductor.Conductor.Tests.Intake.GitHub;

public sealed class GitHubSignatureTests
{
    private const string Secret = "It's a Secret to Everybody";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("Hello, World!");

    [Fact]
    public void Sign_GitHubsDocumentedExample_GivesItsSignature() =>
        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", GitHubSignature.Sign(Secret, Body));

    [Fact]
    public void Check_SignatureOfTheBodyWithTheSecret_IsValid()
    {
        var verdict = GitHubSignature.Check(Secret, "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", Body);

        Assert.True(verdict.IsValid);
    }

    [Theory]
    [InlineData(null, RejectReasons.Unsigned, "no X-Hub-Signature-256")]
    [InlineData("", RejectReasons.Unsigned, "no X-Hub-Signature-256")]
    [InlineData("sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0", RejectReasons.BadSignature, "not a sha256= signature")]
    [InlineData("sha256=not-hex", RejectReasons.BadSignature, "not hexadecimal")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18", RejectReasons.BadSignature, "does not match")]
    [InlineData("sha256=757107ea", RejectReasons.BadSignature, "does not match")]
    public void Check_MissingOrWrongSignature_IsRejectedWithItsReason(string? header, string reason, string detail)
    {
        var verdict = GitHubSignature.Check(Secret, header, Body);

        Assert.False(verdict.IsValid);
        Assert.Equal(reason, verdict.RejectReason);
        Assert.Contains(detail, verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OneByteChanged_IsBadSignature()
    {
        var changed = Encoding.UTF8.GetBytes("Hello, World?");

        Assert.Equal(SignatureStatus.BadSignature, GitHubSignature.Check(Secret, GitHubSignature.Sign(Secret, Body), changed).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_WithoutASecret_RejectsEvenACorrectSignature(string? secret)
    {
        var verdict = GitHubSignature.Check(secret, GitHubSignature.Sign(Secret, Body), Body);

        Assert.Equal(RejectReasons.NoSecret, verdict.RejectReason);
        Assert.Contains("GitHub:WebhookSecret", verdict.Detail, StringComparison.Ordinal);
    }
}
