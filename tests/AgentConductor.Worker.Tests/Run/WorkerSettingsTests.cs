using AgentConductor.Worker.Run;
using Microsoft.Extensions.Configuration;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>Each variable the README documents for the worker reaches its setting; defaults apply when it is absent.</summary>
public sealed class WorkerSettingsTests
{
    private static readonly Dictionary<string, string?> Required = new()
    {
        ["CONDUCTOR_URL"] = "http://127.0.0.1:5081",
        ["JOB_ID"] = "01job",
        ["JOB_TOKEN"] = "token-value",
    };

    [Fact]
    public void Load_EveryDocumentedVariable_ReachesItsSetting()
    {
        var settings = Load(new()
        {
            ["GITHUB_TOKEN"] = "ghp_x",
            ["CODEX_API_KEY"] = "sk-x",
            ["WORK_DIR"] = "/work/w",
            ["GITHUB_API_URL"] = "https://ghe.example/api/v3/",
            ["GITHUB_REPOSITORY"] = "acme/app",
            ["PR_DRAFT"] = "TRUE",
        }, out var problems);

        Assert.Empty(problems);
        Assert.Equal(
            (new Uri("http://127.0.0.1:5081"), "01job", "token-value", "ghp_x", "sk-x", "/work/w", new Uri("https://ghe.example/api/v3/"), true, "acme/app"),
            (settings.ConductorUrl, settings.JobId, settings.JobToken, settings.GitHubToken, settings.CodexApiKey, settings.WorkDirectory, settings.GitHubApiUrl,
                settings.DraftPullRequests, settings.GitHubRepository));
    }

    [Fact]
    public void Load_OptionalVariablesAbsent_TakeTheirDefaults()
    {
        var settings = Load([], out var problems);

        Assert.Empty(problems);
        Assert.Equal((null, null, null, false, null), (settings.GitHubToken, settings.CodexApiKey, settings.GitHubApiUrl, settings.DraftPullRequests, settings.GitHubRepository));
        // The folder the launcher started the worker in, not the temp dir (Codex will not put its helpers under it).
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "work"), settings.WorkDirectory);
    }

    [Fact]
    public void Load_BadValues_NameEveryVariable()
    {
        Load(new() { ["CONDUCTOR_URL"] = "127.0.0.1:5081", ["GITHUB_API_URL"] = "not a url", ["GITHUB_REPOSITORY"] = "app" }, out var problems);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("CONDUCTOR_URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("GITHUB_API_URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("GITHUB_REPOSITORY", StringComparison.Ordinal));
    }

    private static WorkerSettings Load(Dictionary<string, string?> values, out IReadOnlyList<string> problems)
    {
        var all = new Dictionary<string, string?>(Required);
        foreach (var (name, value) in values)
        {
            all[name] = value;
        }

        return WorkerSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(all).Build(), out problems);
    }
}
