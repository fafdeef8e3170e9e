using AgentConductor.Conductor.Aws;
using Amazon.Runtime;

namespace AgentConductor.Conductor.Tests.Aws;

/// <summary>The canonical request and signature match the worked example in AWS's SigV4 documentation (IAM ListUsers).</summary>
public sealed class SigV4RequestTests
{
    private static readonly Uri ExampleUrl = new("https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers");
    private static readonly DateTime ExampleTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);
    private static readonly Dictionary<string, string> ExampleHeaders = new()
    {
        ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
        ["Host"] = "iam.amazonaws.com",
        ["X-Amz-Date"] = "20150830T123600Z",
    };

    [Fact]
    public void CanonicalRequest_DocumentationExample_MatchesByteForByte()
    {
        var (request, signedHeaders) = SigV4Request.CanonicalRequest("GET", ExampleUrl, ExampleHeaders, SigV4Request.Hash([]));

        Assert.Equal("content-type;host;x-amz-date", signedHeaders);
        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
            "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
            "content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            request);
    }

    [Fact]
    public void Authorization_DocumentationExample_HasTheDocumentedSignature()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

        var authorization = SigV4Request.Authorization(credentials, "us-east-1", "iam", ExampleTime, "GET", ExampleUrl, ExampleHeaders, SigV4Request.Hash([]));

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            authorization);
    }

    [Fact]
    public void CanonicalRequest_HeaderValues_AreTrimmedAndInnerSpacesCollapsed()
    {
        var headers = new Dictionary<string, string> { ["X-Custom"] = "  a   b  c ", ["Host"] = "h" };

        var (request, _) = SigV4Request.CanonicalRequest("POST", new Uri("http://h/"), headers, "hash");

        Assert.Contains("x-custom:a b c\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatDate_IsBasicIso8601Utc() =>
        Assert.Equal("20150830T123600Z", SigV4Request.FormatDate(ExampleTime));
}
