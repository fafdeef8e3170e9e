using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Replay;

/// <summary>The <c>replay</c> command as an operator runs it: the real binary, its output and exit codes.</summary>
public sealed class ReplayCommandTests
{
    private static string Scenario(string name) => Path.Combine(RepoPaths.Root, "tests", "scenarios", name);

    [Fact]
    public async Task Replay_Json_PrintsExactlyOneObjectWithTheDocumentedFields()
    {
        var (exit, stdout, _) = await ConductorProcess.RunAsync(["replay", Scenario("16-shared-samples.json"), "--json"]);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["decisions", "incidents", "rejected", "deliveries"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var decision = json.RootElement.GetProperty("decisions")[0];
        Assert.Equal(["at", "kind", "messageId", "ticketKey", "account", "incidentId", "pullRequest"], decision.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, decision.GetProperty("account").ValueKind);
        var incident = json.RootElement.GetProperty("incidents")[0];
        Assert.Equal(["incidentId", "account", "alarms", "firstAt", "lastAt"], incident.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, incident.GetProperty("alarms").GetInt32());
    }

    [Fact]
    public async Task Replay_ExpectationNotMet_ExitsOneWithReadableDiff()
    {
        using var directory = new TempDirectory();
        var broken = directory.File("broken.json");
        File.WriteAllText(broken, File.ReadAllText(Scenario("05-chain-breaks-after-an-hour.json")).Replace("\"alarms\": 2", "\"alarms\": 5", StringComparison.Ordinal));

        var (exit, _, stderr) = await ConductorProcess.RunAsync(["replay", broken]);

        Assert.Equal(1, exit);
        Assert.Contains("missing incident: account 111122223333, alarms 5", stderr, StringComparison.Ordinal);
        Assert.Contains("unexpected incident: account 111122223333, alarms 2", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"steps\": 3}", "$.steps must be an array")]
    [InlineData("{\"steps\": [{\"at\": \"yesterday\", \"messageId\": \"m\", \"body\": {}}]}", "$.steps[0].at must be an ISO 8601 time")]
    [InlineData("{\"steps\": [], \"options\": {\"chainWindow\": \"-01:00:00\"}}", "$.options.chainWindow must be a positive duration")]
    [InlineData("{\"steps\": [{\"at\": \"2026-11-02T14:00:00Z\", \"body\": {}}], \"expect\": {\"decisions\": [{\"kind\": \"pizza\"}]}}", "$.expect.decisions[0].kind must be")]
    [InlineData("not json at all", "not valid JSON")]
    public async Task Replay_InvalidScenario_ExitsTwoNamingTheProblem(string content, string problem)
    {
        using var directory = new TempDirectory();
        var file = directory.File("invalid.json");
        File.WriteAllText(file, content);

        var (exit, _, stderr) = await ConductorProcess.RunAsync(["replay", file]);

        Assert.Equal(2, exit);
        Assert.Contains(problem, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MissingFile_ExitsTwo()
    {
        var (exit, _, stderr) = await ConductorProcess.RunAsync(["replay", "/nonexistent/scenario.json"]);

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_Database_ReplaysStoredMessagesAndComparesDecisions()
    {
        using var directory = new TempDirectory();
        var recorded = directory.File("recorded.db");
        var (first, firstJson, _) = await ConductorProcess.RunAsync(["replay", Scenario("17-accounts-interleaved.json"), "--json", "--keep-db", recorded]);
        Assert.Equal(0, first);

        var (same, sameJson, sameErr) = await ConductorProcess.RunAsync(["replay", recorded, "--json", "--compare"]);
        var (changed, changedOut, _) = await ConductorProcess.RunAsync(
            ["replay", recorded, "--compare"],
            new Dictionary<string, string> { ["Scheduler__ChainWindow"] = "02:00:00" });

        Assert.Equal(0, same);
        Assert.Equal(firstJson, sameJson);
        Assert.Contains("compare: same 5 decisions as recorded", sameErr, StringComparison.Ordinal);
        Assert.Equal(1, changed);
        Assert.Contains("recorded, no longer decided", changedOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_Json_FollowUpsScenario_ListsDeliveriesAndFollowUpDecisions()
    {
        var (exit, stdout, _) = await ConductorProcess.RunAsync(["replay", Scenario("18-follow-ups.json"), "--json"]);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        var followUp = json.RootElement.GetProperty("decisions")[1];
        Assert.Equal(("followup", "acme/pay#7"), (followUp.GetProperty("kind").GetString(), followUp.GetProperty("pullRequest").GetString()));
        var delivery = json.RootElement.GetProperty("deliveries")[0];
        Assert.Equal(["messageId", "delivery", "event", "outcome", "reason", "pullRequest", "followUp"], delivery.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Replay_DatabaseWithFollowUps_VerifiesStoredDeliveriesWithTheConfiguredSecret()
    {
        using var directory = new TempDirectory();
        var recorded = directory.File("recorded.db");
        var (first, _, _) = await ConductorProcess.RunAsync(["replay", Scenario("18-follow-ups.json"), "--keep-db", recorded]);
        Assert.Equal(0, first);
        var asRecorded = new Dictionary<string, string>
        {
            ["GitHub__WebhookSecret"] = "scenario-webhook-secret-0001",
            ["FollowUps__CoalesceWindow"] = "00:03:00",
            ["FollowUps__MaxPerPullRequest"] = "2",
        };

        var (same, sameOut, _) = await ConductorProcess.RunAsync(["replay", recorded, "--compare"], asRecorded);
        var (otherSecret, otherOut, _) = await ConductorProcess.RunAsync(
            ["replay", recorded, "--compare"], new Dictionary<string, string>(asRecorded) { ["GitHub__WebhookSecret"] = "another-secret-of-enough-length" });

        Assert.Equal(0, same);
        Assert.Contains("compare: same 3 decisions as recorded", sameOut, StringComparison.Ordinal);
        Assert.Equal(1, otherSecret);
        Assert.Contains("- followup acme/pay#7 (message github-delivery:d-03): recorded, no longer decided", otherOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_DatabaseWithInvalidConfiguredRule_ExitsTwoNamingTheSetting()
    {
        using var directory = new TempDirectory();
        var recorded = directory.File("recorded.db");
        await ConductorProcess.RunAsync(["replay", Scenario("01-one-ticket.json"), "--keep-db", recorded]);

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["replay", recorded],
            new Dictionary<string, string> { ["Scheduler__ChainWindow"] = "soon" });

        Assert.Equal(2, exit);
        Assert.Contains("Scheduler:ChainWindow", stderr, StringComparison.Ordinal);
    }
}
