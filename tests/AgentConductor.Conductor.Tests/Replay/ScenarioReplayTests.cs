using AgentConductor.Conductor.Replay;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Replay;

/// <summary>Every scenario in <c>tests/scenarios</c> replays to its expectation, one message at a time and in batches alike.</summary>
public sealed class ScenarioReplayTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Scenarios_AtLeastFifteenAreShipped() => Assert.True(Scenarios().Count >= 15);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Replay_Scenario_MeetsItsExpectation(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(RepoPaths.Root, "tests", "scenarios", file));
        Assert.NotNull(scenario.Expect);

        var report = await ReplayAsync(scenario, scenario.Options.BatchSize ?? 1);

        Assert.Empty(ExpectationChecker.Check(scenario.Expect!, report));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Replay_Scenario_BatchedGivesTheSameOutcomeAsOneByOne(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(RepoPaths.Root, "tests", "scenarios", file));

        var single = await ReplayAsync(scenario, 1);
        var batched = await ReplayAsync(scenario, 64);

        Assert.Equal(ReplayOutput.ToJson(single), ReplayOutput.ToJson(batched));
    }

    private static async Task<ReplayReport> ReplayAsync(Scenario scenario, int batchSize)
    {
        using var directory = new TempDirectory();
        var (scheduler, intake) = ScenarioSettings.Resolve(scenario.Options);
        return await ReplayRunner.RunAsync(
            scenario.Steps, scheduler, intake, ScenarioSettings.FollowUps(scenario.Options), directory.File("replay.db"), batchSize, TestContext.Current.CancellationToken);
    }
}
