using AgentConductor.Worker.Git;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitServiceCollectionExtensionsTests
{
    [Fact]
    public void AddGitWorkspace_BoundFromConfiguration_ResolvesWorkspaceWithTheConfiguredDepth()
    {
        using var provider = Provider(new() { ["Git:CloneDepth"] = "0", ["Git:AuthorName"] = "Bot" });

        Assert.IsType<GitWorkspace>(provider.GetRequiredService<IGitWorkspace>());
        var options = provider.GetRequiredService<IOptions<GitOptions>>().Value;
        Assert.Equal(0, options.CloneDepth);
        Assert.Equal("Bot", options.AuthorName);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
    }

    [Fact]
    public void AddGitWorkspace_InvalidSettings_ValidationListsEveryProblem()
    {
        using var provider = Provider(new() { ["Git:CloneDepth"] = "-1", ["Git:Timeout"] = "00:00:00", ["Git:AuthorEmail"] = " " });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GitOptions>>().Value);

        Assert.Equal(3, error.Failures.Count());
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddGitWorkspace().BuildServiceProvider();
    }
}
