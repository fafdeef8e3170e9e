using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Archive;

/// <summary>The service binary refuses bad archive settings at startup, naming each one.</summary>
public sealed class ArchiveStartupTests
{
    [Fact]
    public async Task Run_BadArchiveSettings_ExitsTwoListingEveryProblem()
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0"],
            new Dictionary<string, string>
            {
                ["Storage__DatabasePath"] = directory.File("c.db"),
                ["Archive__Bucket"] = "Agent_Archive",
                ["Archive__Region"] = "moon-1",
                ["Archive__ServiceUrl"] = "s3.internal:9000",
            },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("Archive:Bucket 'Agent_Archive' is not a valid S3 bucket name", stderr, StringComparison.Ordinal);
        Assert.Contains("Archive:ServiceUrl 's3.internal:9000' must be an http:// or https:// URL", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("moon-1", stderr, StringComparison.Ordinal); // a custom endpoint takes any region name
    }
}
