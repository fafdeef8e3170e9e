using AgentConductor.Conductor.Launching.Docker;

namespace AgentConductor.Conductor.Tests.Launching.Docker;

public sealed class DockerLauncherOptionsValidatorTests
{
    [Fact]
    public void Validate_DefaultsWithAnImage_Succeed()
    {
        var result = new DockerLauncherOptionsValidator().Validate(null, new DockerLauncherOptions { Image = "agent-conductor-worker:latest" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EveryBadSetting_IsListedAtOnce()
    {
        var options = new DockerLauncherOptions
        {
            Image = "",
            DockerCommand = " ",
            Cpus = 0,
            Memory = "lots",
            Network = "--privileged",
            Pull = "sometimes",
            NamePrefix = "-x",
            Instance = "a b",
            Environment = ["JOB_TOKEN=x", "1BAD=y", "GITHUB_TOKEN=z", "NO_VALUE", "PR_DRAFT=true", "PR_DRAFT=false"],
            PassEnvironment = ["GITHUB_TOKEN", "JOB_ID"],
            ExtraArgs = ["--volume", ""],
            CommandTimeout = TimeSpan.Zero,
            KeepExited = TimeSpan.FromSeconds(-1),
        };

        var failures = new DockerLauncherOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "DockerLauncher:Image", "DockerLauncher:DockerCommand", "DockerLauncher:Cpus", "DockerLauncher:Memory", "DockerLauncher:Network",
            "DockerLauncher:Pull", "DockerLauncher:NamePrefix", "DockerLauncher:Instance", "DockerLauncher:Environment must not set JOB_TOKEN",
            "DockerLauncher:Environment holds '1BAD'", "DockerLauncher:Environment entries are NAME=value (got 'NO_VALUE')",
            "DockerLauncher:Environment sets PR_DRAFT more than once", "DockerLauncher:PassEnvironment names GITHUB_TOKEN more than once",
            "DockerLauncher:PassEnvironment must not set JOB_ID", "DockerLauncher:ExtraArgs", "DockerLauncher:CommandTimeout", "DockerLauncher:KeepExited",
        ];
        foreach (var setting in expected)
        {
            Assert.Contains(failures, f => f.StartsWith(setting, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, failures.Count);
    }

    [Theory]
    [InlineData("512m")]
    [InlineData("4g")]
    [InlineData("1073741824")]
    public void Validate_MemoryWithOrWithoutUnit_Succeeds(string memory)
    {
        var result = new DockerLauncherOptionsValidator().Validate(null, new DockerLauncherOptions { Image = "w:1", Memory = memory });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
