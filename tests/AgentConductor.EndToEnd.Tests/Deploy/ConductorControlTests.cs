using System.Text.Json.Nodes;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>scripts/conductor-control.sh (the Docker Compose container commands) against a strict fake <c>docker</c> on PATH.</summary>
public sealed class ConductorControlTests : IDisposable
{
    private const string Conductor = "registry.example/ac/conductor";
    private const string Worker = "registry.example/ac/worker";
    private readonly TempDirectory _directory = new();
    private readonly FakeCli _docker;

    public ConductorControlTests()
    {
        _docker = new FakeCli(_directory, "docker");
        Directory.CreateDirectory(_directory.File("data"));
        File.WriteAllText(EnvFile, $"# settings\nCONDUCTOR_IMAGE={Conductor}\nWORKER_IMAGE={Worker}\nDOCKER_GID=999\nApi__Key=not-for-the-scripts\n");
    }

    private string EnvFile => _directory.File("conductor.env");

    private IReadOnlyList<JsonObject> Calls => _docker.Calls;

    private IEnumerable<string> Commands => Calls.Select(c => string.Join(' ', c["argv"]!.AsArray().Select(a => a!.GetValue<string>())));

    private JsonObject State => JsonNode.Parse(File.ReadAllText(Path.Combine(_docker.StateFolder, "state.json")))!.AsObject();

    [Fact]
    public async Task Fetch_PullsOnlyTheMissingImage()
    {
        Given(images: [$"{Conductor}:v2"], pullable: [$"{Worker}:v2"]);

        var result = await RunAsync("fetch", "v2");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
        Assert.Equal([$"image inspect {Conductor}:v2", $"image inspect {Worker}:v2", $"pull --quiet {Worker}:v2"], Commands);
    }

    [Fact]
    public async Task Fetch_WithAnArchive_LoadsItAndPullsNothing()
    {
        Given(images: [], pullable: []);
        var archive = _directory.File("images.tar");
        File.WriteAllText(archive, "tar");

        var result = await RunAsync(["fetch", "v2", archive], new() { ["FAKE_DOCKER_ARCHIVE_IMAGES"] = $"{Conductor}:v2,{Worker}:v2" });

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRejectedCall();
        Assert.Equal([$"load --input {archive}", $"image inspect {Conductor}:v2", $"image inspect {Worker}:v2"], Commands);
    }

    [Fact]
    public async Task Fetch_ImageNeitherPresentNorPullable_Fails()
    {
        Given(images: [$"{Conductor}:v2"], pullable: []);

        var result = await RunAsync("fetch", "v2");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("pull access denied", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_PrintsTheRunningTagOrNothing()
    {
        Given(images: [], pullable: [], running: "registry.example:5000/ac/conductor:2026.11.2-abc");
        var running = await RunAsync("current");
        Given(images: [], pullable: []);
        var none = await RunAsync("current");

        Assert.Equal((0, "2026.11.2-abc\n"), (running.ExitCode, running.Stdout));
        Assert.Equal((0, ""), (none.ExitCode, none.Stdout));
        AssertNoRejectedCall();
    }

    [Fact]
    public async Task Start_RunsComposeWithTheTagAndTheImagesOfTheSettingsFileAndRemembersTheTag()
    {
        Given(images: [$"{Conductor}:v2", $"{Worker}:v2"], pullable: []);

        var result = await RunAsync("start", "v2");
        var restart = await RunAsync("start");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(restart.ExitCode == 0, restart.ToString());
        AssertNoRejectedCall();
        var compose = Calls[0];
        Assert.Equal(["compose", "--env-file", EnvFile, "-f", Path.Combine(RepoPaths.Root, "docker", "compose.yaml"), "up", "--detach", "--no-build", "conductor"], compose["argv"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("v2", compose["env"]!["CONDUCTOR_TAG"]!.GetValue<string>());
        Assert.Equal(Worker, compose["env"]!["WORKER_IMAGE"]!.GetValue<string>());
        Assert.Equal(_directory.File("data"), compose["env"]!["CONDUCTOR_DATA_DIR"]!.GetValue<string>());
        Assert.Equal("v2", Calls[1]["env"]!["CONDUCTOR_TAG"]!.GetValue<string>());
        Assert.Equal($"{Conductor}:v2", State["running"]!.GetValue<string>());
        Assert.Equal("v2", File.ReadAllText(_directory.File("data/DEPLOYED_TAG")).Trim());
    }

    [Fact]
    public async Task Start_NoTagAndNoneDeployed_FailsWithoutCallingDocker()
    {
        Given(images: [], pullable: []);

        var result = await RunAsync("start");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("none deployed yet", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Calls);
    }

    [Fact]
    public async Task Stop_StopsOnlyARunningContainer()
    {
        Given(images: [], pullable: [], running: $"{Conductor}:v1");
        var first = await RunAsync("stop");
        var second = await RunAsync("stop");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        AssertNoRejectedCall();
        Assert.Equal(
            ["ps --quiet --filter name=^agent-conductor$ --filter status=running", "stop --time 120 agent-conductor", "ps --quiet --filter name=^agent-conductor$ --filter status=running"],
            Commands);
    }

    [Fact]
    public async Task AnyVerb_WithoutTheSettingsFile_FailsClearly()
    {
        Given(images: [], pullable: []);
        File.Delete(EnvFile);

        var result = await RunAsync("current");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"no settings file at {EnvFile}", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private void Given(string[] images, string[] pullable, string? running = null)
    {
        var state = new JsonObject
        {
            ["images"] = new JsonArray([.. images.Select(i => JsonValue.Create(i))]),
            ["pullable"] = new JsonArray([.. pullable.Select(i => JsonValue.Create(i))]),
            ["running"] = running,
        };
        File.WriteAllText(Path.Combine(_docker.StateFolder, "state.json"), state.ToJsonString());
        _docker.ClearCalls();
    }

    private Task<ProcessRun.Result> RunAsync(params string[] arguments) => RunAsync(arguments, []);

    private async Task<ProcessRun.Result> RunAsync(string[] arguments, Dictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>(extra)
        {
            ["PATH"] = _docker.SearchPath,
            ["FAKE_DOCKER_STATE"] = _docker.StateFolder,
            ["CONDUCTOR_ENV_FILE"] = EnvFile,
            ["CONDUCTOR_DATA_DIR"] = _directory.File("data"),
            ["CONDUCTOR_COMPOSE_FILE"] = null,
        };
        return await ScriptRun.RunAsync("scripts/conductor-control.sh", arguments, environment, TestContext.Current.CancellationToken);
    }

    private void AssertNoRejectedCall() => _docker.AssertNoRejectedCall();
}
