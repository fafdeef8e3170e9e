using System.Text.Json.Nodes;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>
/// A strict fake command (<c>tests/tools/fake-NAME.js</c> under node) installed as <c>bin/NAME</c> in
/// a test folder, to be put first on PATH; it records each call as one JSON line in
/// <c>state/calls.jsonl</c>, with an <c>error</c> for a call it refused.
/// </summary>
internal sealed class FakeCli
{
    private readonly TempDirectory _directory;

    public FakeCli(TempDirectory directory, string name)
    {
        _directory = directory;
        Directory.CreateDirectory(directory.File("bin"));
        Directory.CreateDirectory(StateFolder);
        var command = directory.File($"bin/{name}");
        File.WriteAllText(command, $"#!/bin/sh\nexec node '{Path.Combine(RepoPaths.Root, "tests", "tools", $"fake-{name}.js")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The fake's state folder (its calls, and whatever state it keeps).</summary>
    public string StateFolder => _directory.File("state");

    /// <summary>PATH with the fake first.</summary>
    public string SearchPath => $"{_directory.File("bin")}:{Environment.GetEnvironmentVariable("PATH")}";

    /// <summary>Every call so far, in order.</summary>
    public IReadOnlyList<JsonObject> Calls =>
        File.Exists(CallsFile)
            ? [.. File.ReadAllLines(CallsFile).Select(line => JsonNode.Parse(line)!.AsObject())]
            : [];

    private string CallsFile => Path.Combine(StateFolder, "calls.jsonl");

    /// <summary>Forgets the calls so far.</summary>
    public void ClearCalls() => File.Delete(CallsFile);

    public void AssertNoRejectedCall()
    {
        var rejected = Calls.Where(c => c.ContainsKey("error")).Select(c => c.ToJsonString()).ToList();
        Assert.True(rejected.Count == 0, string.Join('\n', rejected));
    }
}
