using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class GitHubOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        var options = new GitHubOptions();

        Assert.Empty(options.Validate());
        Assert.Equal((4, TimeSpan.FromMinutes(5)), (options.MaxRetries, options.MaxRetryWait));
    }

    [Fact]
    public void Validate_SeveralBadSettings_ListsEveryProblem()
    {
        var options = new GitHubOptions
        {
            ApiBaseUrl = new Uri("ftp://example.com/"), UserAgent = " ", MaxRetries = -1, MaxRetryWait = TimeSpan.Zero,
        };

        var problems = options.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("ApiBaseUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MaxRetries", StringComparison.Ordinal));
    }
}
