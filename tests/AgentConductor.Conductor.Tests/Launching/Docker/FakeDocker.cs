using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Launching.Docker;

/// <summary>
/// A strict docker CLI (<c>tests/tools/fake-docker-plan.js</c>) behind an executable <see cref="Command"/>: each call must
/// be the next expected one, with exactly its arguments and environment. <see cref="AssertAllCalled"/> checks that
/// every expected call came and none was refused.
/// </summary>
internal sealed class FakeDocker
{
    private readonly List<object> _calls = [];
    private readonly string _plan;
    private readonly string[] _secrets;

    public FakeDocker(TempDirectory directory, params string[] secrets)
    {
        _plan = directory.File("docker-plan.json");
        _secrets = secrets;
        Command = directory.File("docker");
        var script = Path.Combine(RepoPaths.Root, "tests", "tools", "fake-docker-plan.js");
        File.WriteAllText(Command, $"#!/bin/sh\nFAKE_DOCKER_PLAN='{_plan}' exec node '{script}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Save();
    }

    public string Command { get; }

    public FakeDocker Expect(
        string[] args, string stdout = "", string stderr = "", int exit = 0, IReadOnlyDictionary<string, string>? env = null, string[]? unsetEnv = null, int sleepMs = 0)
    {
        _calls.Add(new { args, stdout, stderr, exit, env = env ?? new Dictionary<string, string>(), unsetEnv = unsetEnv ?? [], sleepMs });
        Save();
        return this;
    }

    public void AssertAllCalled()
    {
        var failures = File.Exists(_plan + ".failures") ? File.ReadAllText(_plan + ".failures") : "";
        Assert.True(failures.Length == 0, failures);
        var made = File.Exists(_plan + ".next") ? int.Parse(File.ReadAllText(_plan + ".next"), System.Globalization.CultureInfo.InvariantCulture) : 0;
        Assert.True(made == _calls.Count, $"{_calls.Count} docker calls were expected, {made} came");
    }

    /// <summary>One container as <c>docker container inspect</c> prints it (the fields the launcher reads, and a few more).</summary>
    public static string Container(string name, string? jobId, string status, int exitCode = 0, string error = "")
    {
        var labels = jobId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["agent-conductor.job-id"] = jobId, ["agent-conductor.instance"] = "test" };
        return JsonSerializer.Serialize(new
        {
            Id = "f00d" + name.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            Name = "/" + name,
            State = new { Status = status, Running = status == "running", ExitCode = exitCode, Error = error, Pid = status == "running" ? 4242 : 0 },
            Config = new { Image = "worker:test", Labels = labels },
        });
    }

    public static string Inspect(params string[] containers) => "[" + string.Join(",", containers) + "]\n";

    private void Save() => File.WriteAllText(_plan, JsonSerializer.Serialize(new { secrets = _secrets, calls = _calls }));
}
