using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Cli;

/// <summary>The README's commands as a newcomer types them: the real binary, run from the repository root.</summary>
public sealed class RootCommandsTests
{
    [Fact]
    public async Task Replay_ReadmeCommandFromTheRoot_HoldsItsExpectation()
    {
        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(["replay", "tests/scenarios/16-shared-samples.json"], workingDirectory: RepoPaths.Root);

        Assert.True(exit == 0, stderr);
        Assert.Contains("expectation: holds", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_Text_GivesEachRejectionsSentence()
    {
        var (exit, stdout, _) = await ConductorProcess.RunAsync(["replay", "tests/scenarios/11-malformed-and-unknown-mixed-in.json"], workingDirectory: RepoPaths.Root);

        Assert.Equal(0, exit);
        var rejected = stdout[stdout.IndexOf("rejected:", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rejected);
        Assert.All(rejected, line => Assert.Matches(@"^  \S+\s+[a-z_]+: \S.{8,}$", line));
    }

    [Fact]
    public async Task ScenarioGenerate_RelativeOut_WritesWhereItWasTyped()
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(["scenario", "generate", "tickets", "--seconds", "1", "--out", "x.json"], workingDirectory: directory.Path);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(directory.File("x.json")));
        Assert.Contains($"wrote {directory.File("x.json")}", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tickets", "--seconds", "0", "scenario: --seconds must be positive (got 0)")]
    [InlineData("alarms", "--accounts", "-3", "scenario: --accounts must be positive (got -3)")]
    [InlineData("tickets", "--out", "/nonexistent-folder/x.json", "scenario: cannot write /nonexistent-folder/x.json")]
    public async Task ScenarioGenerate_BadInput_OneCleanLineAndExitTwo(string kind, string option, string value, string expected)
    {
        var (exit, _, stderr) = await ConductorProcess.RunAsync(["scenario", "generate", kind, option, value]);

        Assert.Equal(2, exit);
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
