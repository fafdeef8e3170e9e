using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class AgentEnvironmentTests
{
    private static readonly AgentRunFolder Folder = new("/w/agent/run", "/w/agent/run/home", "/w/agent/run/home/.codex", "/w/agent/run/last.md");

    private static readonly Dictionary<string, string> Worker = new()
    {
        ["PATH"] = "/opt/codex/node_modules/.bin:/usr/bin",
        ["LANG"] = "C.UTF-8",
        ["LC_ALL"] = "C.UTF-8",
        ["TZ"] = "UTC",
        ["HOME"] = "/root",
        ["JOB_TOKEN"] = "job-token-secret",
        ["JOB_ID"] = "01job",
        ["CONDUCTOR_URL"] = "http://127.0.0.1:7001",
        ["GITHUB_TOKEN"] = "ghp_secret",
        ["CODEX_API_KEY"] = "sk-the-model-key",
        ["AWS_SECRET_ACCESS_KEY"] = "aws-secret",
        ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE",
        ["ECS_CONTAINER_METADATA_URI_V4"] = "http://169.254.170.2/v4",
        ["SSH_AUTH_SOCK"] = "/tmp/agent.sock",
    };

    [Fact]
    public void Build_WorkersEnvironment_OnlyTheAllowlistTheAgentsOwnFoldersAndTheProxyToken()
    {
        var environment = AgentEnvironment.Build(Worker, new AgentOptions(), Folder, "acproxy-run-token", ["sk-the-model-key"]);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["PATH"] = "/opt/codex/node_modules/.bin:/usr/bin",
                ["LANG"] = "C.UTF-8",
                ["LC_ALL"] = "C.UTF-8",
                ["TZ"] = "UTC",
                ["HOME"] = "/w/agent/run/home",
                ["CODEX_HOME"] = "/w/agent/run/home/.codex",
                ["CODEX_API_KEY"] = "acproxy-run-token",
            }.OrderBy(e => e.Key),
            environment.OrderBy(e => e.Key));
    }

    [Fact]
    public void Build_SettingsAddAndRemove_ButNeverASecretNameOrValue()
    {
        var options = new AgentOptions
        {
            Environment =
            {
                ["RUST_LOG"] = "warn",
                ["TZ"] = null,
                ["GITHUB_TOKEN"] = "ghp_smuggled",
                ["AWS_PROFILE"] = "prod",
                ["INNOCENT_LOOKING"] = "prefix-sk-the-model-key-suffix",
            },
        };

        var environment = AgentEnvironment.Build(Worker, options, Folder, "acproxy-run-token", ["sk-the-model-key"]);

        Assert.Equal("warn", environment["RUST_LOG"]);
        Assert.False(environment.ContainsKey("TZ"));
        Assert.False(environment.ContainsKey("GITHUB_TOKEN"));
        Assert.False(environment.ContainsKey("AWS_PROFILE"));
        Assert.False(environment.ContainsKey("INNOCENT_LOOKING"));
    }

    [Theory]
    [InlineData("JOB_TOKEN")]
    [InlineData("CONDUCTOR_URL")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("aws_session_token")]
    public void Validator_AgentEnvironmentNamingASecret_Refused(string name)
    {
        var options = new AgentOptions { Environment = { [name] = "x" } };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Agent:Environment must not set {name}", result.FailureMessage, StringComparison.Ordinal);
    }
}
