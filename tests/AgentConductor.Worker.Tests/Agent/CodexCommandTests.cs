using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class CodexCommandTests
{
    [Fact]
    public void Build_CommandWithLeadingArgumentsAndNoModel_ExecArgvWithoutModelFlag()
    {
        var options = new AgentOptions
        {
            Command = ["npx", "--yes", "@openai/codex"],
            InterruptGrace = TimeSpan.FromSeconds(3),
            Environment = { ["RUST_LOG"] = "warn", ["OPENAI_API_KEY"] = null },
        };
        var request = new AgentRunRequest { JobId = "j", RepositoryPath = "/w/repo", Prompt = "do it", ApiKey = "sk-abcdef", StateDirectory = "/w/state" };

        var spec = CodexCommand.Build(options, request, "/w/state/home", "/w/state/last.md");

        Assert.Equal("npx", spec.FileName);
        Assert.Equal(
            ["--yes", "@openai/codex", "exec", "--json", "--sandbox", "danger-full-access", "--skip-git-repo-check", "-C", "/w/repo", "-o", "/w/state/last.md", "-"],
            spec.Arguments);
        Assert.Equal("/w/repo", spec.WorkingDirectory);
        Assert.Equal("do it", spec.Stdin.Text);
        Assert.Equal(TimeSpan.FromSeconds(3), spec.InterruptGrace);
        Assert.Equal("sk-abcdef", spec.Environment["CODEX_API_KEY"]);
        Assert.Equal("/w/state/home", spec.Environment["CODEX_HOME"]);
        Assert.Equal("warn", spec.Environment["RUST_LOG"]);
        Assert.True(spec.Environment.ContainsKey("OPENAI_API_KEY"));
        Assert.Null(spec.Environment["OPENAI_API_KEY"]);
    }

    [Fact]
    public void Build_ModelFromOptionsAndRequest_RequestWins()
    {
        var options = new AgentOptions { Model = "default-model" };
        var request = new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", ApiKey = "sk-abcdef", StateDirectory = "/s" };

        var fromOptions = CodexCommand.Build(options, request, "/h", "/o");
        var fromRequest = CodexCommand.Build(options, new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", ApiKey = "sk-abcdef", StateDirectory = "/s", Model = "job-model" }, "/h", "/o");

        Assert.Equal("codex", fromOptions.FileName);
        Assert.Equal(["-m", "default-model"], ModelArguments(fromOptions));
        Assert.Equal(["-m", "job-model"], ModelArguments(fromRequest));
    }

    [Fact]
    public void Build_ModelBaseUrl_CodexGetsTheWorkersProviderBeforeTheExtraConfig()
    {
        var options = new AgentOptions { ModelBaseUrl = "http://127.0.0.1:9/ignored" };
        var request = new AgentRunRequest
        {
            JobId = "j", RepositoryPath = "/r", Prompt = "p", ApiKey = "sk-abcdef", StateDirectory = "/s", ModelBaseUrl = new Uri("http://127.0.0.1:8080/v1/"),
            ExtraConfig = new Dictionary<string, string> { ["model_providers.agent_conductor.stream_max_retries"] = "1" },
        };

        var spec = CodexCommand.Build(options, request, "/h", "/o");

        Assert.Equal(
            ["-c", "model_provider=agent_conductor",
             "-c", "model_providers.agent_conductor={name=\"agent_conductor\",base_url=\"http://127.0.0.1:8080/v1\",wire_api=\"responses\",env_key=\"CODEX_API_KEY\"}",
             "-c", "model_providers.agent_conductor.stream_max_retries=1", "-"],
            spec.Arguments.SkipWhile(a => a != "-c"));
    }

    [Fact]
    public void Build_ModelBaseUrlOnlyInTheOptions_UsedWhenTheJobNamesNone()
    {
        var request = new AgentRunRequest { JobId = "j", RepositoryPath = "/r", Prompt = "p", ApiKey = "sk-abcdef", StateDirectory = "/s" };

        var withUrl = CodexCommand.Build(new AgentOptions { ModelBaseUrl = "https://models.example/v1" }, request, "/h", "/o");
        var without = CodexCommand.Build(new AgentOptions(), request, "/h", "/o");

        Assert.Contains(withUrl.Arguments, a => a.Contains("base_url=\"https://models.example/v1\"", StringComparison.Ordinal));
        Assert.DoesNotContain(without.Arguments, a => a.StartsWith("model_provider", StringComparison.Ordinal)); // Codex's own default: the OpenAI API
    }

    private static IEnumerable<string> ModelArguments(ProcessSpec spec)
    {
        var index = spec.Arguments.ToList().IndexOf("-m");
        return index < 0 ? [] : spec.Arguments.Skip(index).Take(2);
    }
}
