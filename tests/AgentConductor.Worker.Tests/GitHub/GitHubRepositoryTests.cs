using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class GitHubRepositoryTests
{
    [Theory]
    [InlineData("https://github.com/octo/payments", "github.com", "octo", "payments")]
    [InlineData("https://github.com/octo/payments.git", "github.com", "octo", "payments")]
    [InlineData("https://github.com/octo/payments/", "github.com", "octo", "payments")]
    [InlineData("  https://GitHub.com/Octo/Pay.Ments.git  ", "github.com", "Octo", "Pay.Ments")]
    [InlineData("https://x-access-token:abc@github.com/octo/payments.git", "github.com", "octo", "payments")]
    [InlineData("git@github.com:octo/payments.git", "github.com", "octo", "payments")]
    [InlineData("git@github.com:octo/payments", "github.com", "octo", "payments")]
    [InlineData("ssh://git@github.com/octo/payments.git", "github.com", "octo", "payments")]
    [InlineData("ssh://git@ghe.example.com:2222/team/svc.git", "ghe.example.com", "team", "svc")]
    [InlineData("https://ghe.example.com/team/svc.git", "ghe.example.com", "team", "svc")]
    [InlineData("git@ghe.example.com:team/svc.git", "ghe.example.com", "team", "svc")]
    public void TryParse_CloneUrl_ReturnsHostOwnerAndName(string url, string host, string owner, string name)
    {
        Assert.True(GitHubRepository.TryParse(url, out var repository));

        Assert.Equal(new GitHubRepository(host, owner, name), repository);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("github.com/octo/payments")]
    [InlineData("https://github.com/octo")]
    [InlineData("https://github.com/octo/payments/tree/main")]
    [InlineData("file:///srv/git/payments.git")]
    [InlineData("/srv/git/payments.git")]
    [InlineData("git@github.com:octo")]
    [InlineData("https://github.com/octo/pay%20ments")]
    public void TryParse_NotACloneUrl_ReturnsFalse(string url)
    {
        Assert.False(GitHubRepository.TryParse(url, out var repository));
        Assert.Null(repository);
    }

    [Fact]
    public void Parse_InvalidUrlWithCredentials_MessageHidesCredentials()
    {
        var ex = Assert.Throws<FormatException>(() => GitHubRepository.Parse("https://user:hunter2@github.com/only"));

        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("***@github.com/only", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/octo/payments", "https://api.github.com/")]
    [InlineData("git@ghe.example.com:team/svc.git", "https://ghe.example.com/api/v3/")]
    public void DefaultApiBaseUrl_Host_IsPublicOrEnterpriseApi(string url, string expected)
    {
        Assert.Equal(new Uri(expected), GitHubRepository.Parse(url).DefaultApiBaseUrl);
    }

    [Fact]
    public void ToString_Repository_IsOwnerSlashName()
    {
        Assert.Equal("octo/payments", GitHubRepository.Parse("git@github.com:octo/payments.git").ToString());
    }
}
