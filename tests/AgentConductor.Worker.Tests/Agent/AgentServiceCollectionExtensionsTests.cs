using AgentConductor.Worker.Agent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class AgentServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAgentRunner_BoundFromConfiguration_ResolvesRunnerWithTheConfiguredCommand()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Command:0"] = "node",
            ["Agent:Command:1"] = "/opt/codex/bin/codex.js",
            ["Agent:IdleTimeout"] = "00:02:00",
            ["Agent:ModelBaseUrl"] = "http://127.0.0.1:8080/v1",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();

        using var provider = services.AddAgentRunner().BuildServiceProvider();

        Assert.IsType<CodexAgentRunner>(provider.GetRequiredService<IAgentRunner>());
        var options = provider.GetRequiredService<IOptions<AgentOptions>>().Value;
        Assert.Equal(["node", "/opt/codex/bin/codex.js"], options.Command);
        Assert.Equal(TimeSpan.FromMinutes(2), options.IdleTimeout);
        Assert.Equal("http://127.0.0.1:8080/v1", options.ModelBaseUrl);
    }
}
