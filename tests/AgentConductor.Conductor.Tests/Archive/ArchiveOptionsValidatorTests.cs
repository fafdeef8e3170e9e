using AgentConductor.Conductor.Archive;

namespace AgentConductor.Conductor.Tests.Archive;

public sealed class ArchiveOptionsValidatorTests
{
    [Fact]
    public void Validate_NoBucket_ArchiveIsOffAndNothingElseIsChecked()
    {
        var result = new ArchiveOptionsValidator().Validate(null, new ArchiveOptions { Bucket = " ", Prefix = "a//b", PollInterval = TimeSpan.Zero });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_ValidSettings_Succeeds()
    {
        var result = new ArchiveOptionsValidator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("My_Bucket", "Archive:Bucket 'My_Bucket' is not a valid S3 bucket name: 3 to 63 lowercase letters")]
    [InlineData("ab", "Archive:Bucket 'ab' is not a valid S3 bucket name")]
    [InlineData("-bucket", "Archive:Bucket '-bucket' is not a valid S3 bucket name")]
    [InlineData("my..bucket", "two adjacent dots")]
    [InlineData("192.168.5.4", "formatted as an IP address")]
    public void Validate_BadBucket_NamesIt(string bucket, string expected)
    {
        var options = Valid();
        options.Bucket = bucket;

        var result = new ArchiveOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("./a")]
    [InlineData("a\nb")]
    public void Validate_BadPrefix_NamesIt(string prefix)
    {
        var options = Valid();
        options.Prefix = prefix;

        var result = new ArchiveOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("Archive:Prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SlashesAroundThePrefixAndAnEmptyPrefix_AreFine()
    {
        Assert.Equal("jobs/prod", new ArchiveOptions { Prefix = "/jobs/prod/" }.KeyPrefix);
        Assert.True(new ArchiveOptionsValidator().Validate(null, Valid(prefix: "")).Succeeded);
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblem()
    {
        var options = new ArchiveOptions
        {
            Bucket = "Bad_Bucket",
            Prefix = "a//b",
            Region = "mars-north-1",
            PollInterval = TimeSpan.Zero,
            RetryBase = TimeSpan.FromHours(2),
            RetryCap = TimeSpan.FromHours(1),
            BatchSize = 0,
            RequestTimeout = TimeSpan.Zero,
        };

        var failures = new ArchiveOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(7, failures.Count);
        Assert.Contains("Archive:Region 'mars-north-1' is not a known AWS region (e.g. us-east-1, eu-west-1).", failures);
        Assert.Contains("Archive:PollInterval must be positive.", failures);
        Assert.Contains("Archive:RetryBase (02:00:00) must be positive and not above Archive:RetryCap (01:00:00).", failures);
        Assert.Contains("Archive:BatchSize must be between 1 and 1000.", failures);
        Assert.Contains("Archive:RequestTimeout must be at least 00:00:01.", failures);
    }

    [Fact]
    public void Validate_NoRegion_SaysWhereItIsLookedFor()
    {
        var options = Valid();
        options.Region = null;

        var result = new ArchiveOptionsValidator().Validate(null, options);

        Assert.Equal(["Archive:Region is not set (nor Aws:Region, AWS_REGION, AWS_DEFAULT_REGION); set it to the bucket's region, e.g. eu-west-1."], result.Failures);
    }

    [Theory]
    [InlineData("localhost:4568")]
    [InlineData("ftp://127.0.0.1:4568")]
    [InlineData("http://user:pw@127.0.0.1:4568")]
    [InlineData("http://127.0.0.1:4568/?x=1")]
    public void Validate_BadServiceUrl_NamesIt(string url)
    {
        var options = Valid();
        options.ServiceUrl = url;

        var result = new ArchiveOptionsValidator().Validate(null, options);

        Assert.Equal([$"Archive:ServiceUrl '{url}' must be an http:// or https:// URL without credentials, query or fragment."], result.Failures);
    }

    [Fact]
    public void Validate_CustomEndpoint_TakesAnyRegionName()
    {
        var options = Valid();
        options.ServiceUrl = "http://127.0.0.1:9000";
        options.Region = "minio-local";

        Assert.True(new ArchiveOptionsValidator().Validate(null, options).Succeeded);
    }

    private static ArchiveOptions Valid(string prefix = "agent-conductor/prod") => new() { Bucket = "acme-agent-archive", Prefix = prefix, Region = "eu-west-1" };
}
