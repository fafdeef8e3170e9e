using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Secrets;

/// <summary>Credentials the worker never registered are masked by their shape.</summary>
public sealed class SecretPatternsTests
{
    [Theory]
    [InlineData("token ghp_0123456789abcdefghijABCDEFGHIJ012345 found", "token *** found")]
    [InlineData("gho_0123456789abcdefghijABCDEFGHIJ012345", "***")]
    [InlineData("ghu_0123456789abcdefghijABCDEFGHIJ012345,ghs_0123456789abcdefghijABCDEFGHIJ012345", "***,***")]
    [InlineData("x ghr_0123456789abcdefghijABCDEFGHIJ012345", "x ***")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW", "***")]
    [InlineData("OPENAI_API_KEY=sk-proj-AbCdEf0123456789_abcdefXYZ-123", "OPENAI_API_KEY=***")]
    [InlineData("key sk-0123456789abcdefghijklmnop.", "key ***.")]
    [InlineData("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=***")]
    [InlineData("ASIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "*** ***")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = ***")]
    [InlineData("\"AWS_SECRET_ACCESS_KEY\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "\"AWS_SECRET_ACCESS_KEY\": \"***\"")]
    public void Mask_CommonCredentialShapes_Masked(string line, string expected)
    {
        Assert.Equal(expected, new SecretMasker().Mask(line));
    }

    [Theory]
    [InlineData("pushed agent/01j/fix at 0123456789abcdef0123456789abcdef01234567")]
    [InlineData("ghp_short is not a token")]
    [InlineData("task-queue sk-12 ask-for-help")]
    [InlineData("the base64 blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn with no key id near it")]
    public void Mask_OrdinaryText_Untouched(string line)
    {
        Assert.Equal(line, new SecretMasker().Mask(line));
    }
}
