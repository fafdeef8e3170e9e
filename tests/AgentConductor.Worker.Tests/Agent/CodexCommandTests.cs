using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class CodexCommandTests
{
    private static readonly AgentRunFolder Folder = new("/w/agent/run", "/w/agent/run/home", "/w/agent/run/home/.codex", "/w/agent/run/last.md");
    private static readonly Uri Proxy = new("http://127.0.0.1:4711");
    private static readonly Dictionary<string, string> Environment = new() { ["PATH"] = "/usr/bin", ["CODEX_API_KEY"] = "acproxy-token" };

    [Fact]
    public void Build_CommandWithLeadingArguments_ExecArgvExactEnvironmentAndTheAgentsUser()
    {
        var options = new AgentOptions { Command = ["npx", "--yes", "@openai/codex"], InterruptGrace = TimeSpan.FromSeconds(3) };
        var request = new AgentRunRequest { JobId = "j", RepositoryPath = "/w/repo", Prompt = "do it", ModelKey = "sk-abcdef", StateDirectory = "/w/agent" };

        var spec = CodexCommand.Build(options, request, Folder, Proxy, Environment, AgentAccount.SeparateAs(new ProcessUser(10001, 10001)));

        Assert.Equal("npx", spec.FileName);
        Assert.Equal(
            ["--yes", "@openai/codex", "exec", "--json", "--sandbox", "danger-full-access", "--skip-git-repo-check", "-C", "/w/repo", "-o", "/w/agent/run/last.md"],
            spec.Arguments.TakeWhile(a => a != "-c"));
        Assert.Equal("-", spec.Arguments[^1]);
        Assert.Equal("/w/repo", spec.WorkingDirectory);
        Assert.Equal("do it", spec.Stdin.Text);
        Assert.Equal(TimeSpan.FromSeconds(3), spec.InterruptGrace);
        Assert.False(spec.InheritEnvironment);
        Assert.Equal(Environment.OrderBy(e => e.Key), spec.Environment.Select(e => KeyValuePair.Create(e.Key, e.Value!)).OrderBy(e => e.Key));
        Assert.Equal(new ProcessUser(10001, 10001), spec.RunAs);
        Assert.DoesNotContain(spec.Arguments, a => a.Contains("sk-abcdef", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ModelFromOptionsAndRequest_RequestWins()
    {
        var options = new AgentOptions { Model = "default-model" };
        var request = new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", StateDirectory = "/s" };
        var account = AgentAccount.SameAsWorker("test");

        var fromOptions = CodexCommand.Build(options, request, Folder, Proxy, Environment, account);
        var fromRequest = CodexCommand.Build(options, new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", StateDirectory = "/s", Model = "job-model" }, Folder, Proxy, Environment, account);

        Assert.Equal("codex", fromOptions.FileName);
        Assert.Null(fromOptions.RunAs);
        Assert.Equal(["-m", "default-model"], ModelArguments(fromOptions));
        Assert.Equal(["-m", "job-model"], ModelArguments(fromRequest));
    }

    [Fact]
    public void Build_Always_CodexTalksToTheProxyBeforeTheExtraConfig()
    {
        var request = new AgentRunRequest
        {
            JobId = "j", RepositoryPath = "/r", Prompt = "p", StateDirectory = "/s", ModelBaseUrl = new Uri("http://127.0.0.1:8080/v1/"),
            ExtraConfig = new Dictionary<string, string> { ["model_providers.agent_conductor.stream_max_retries"] = "1" },
        };

        var spec = CodexCommand.Build(new AgentOptions(), request, Folder, Proxy, Environment, AgentAccount.SameAsWorker("test"));

        Assert.Equal(
            ["-c", "model_provider=agent_conductor",
             "-c", "model_providers.agent_conductor={name=\"agent_conductor\",base_url=\"http://127.0.0.1:4711\",wire_api=\"responses\",env_key=\"CODEX_API_KEY\"}",
             "-c", "model_providers.agent_conductor.stream_max_retries=1", "-"],
            spec.Arguments.SkipWhile(a => a != "-c"));
    }

    [Fact]
    public void Upstream_JobsThenOptionsThenOpenAi()
    {
        var bare = new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", StateDirectory = "/s" };
        var named = new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", StateDirectory = "/s", ModelBaseUrl = new Uri("http://127.0.0.1:8080/v1") };

        Assert.Equal(new Uri("http://127.0.0.1:8080/v1"), CodexCommand.Upstream(new AgentOptions { ModelBaseUrl = "https://models.example/v1" }, named));
        Assert.Equal(new Uri("https://models.example/v1"), CodexCommand.Upstream(new AgentOptions { ModelBaseUrl = "https://models.example/v1" }, bare));
        Assert.Equal(new Uri("https://api.openai.com/v1"), CodexCommand.Upstream(new AgentOptions(), bare));
    }

    private static IEnumerable<string> ModelArguments(ProcessSpec spec)
    {
        var index = spec.Arguments.ToList().IndexOf("-m");
        return index < 0 ? [] : spec.Arguments.Skip(index).Take(2);
    }
}
