using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Sessions;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Sessions;

/// <summary>
/// Packing a run's session with the real <c>tar</c>, run as the agent's user (<see cref="AgentUsers"/>): it reads what the
/// agent's CODEX_HOME holds, and nothing the agent could point it at beyond that.
/// </summary>
public sealed class SessionPackerTests : IDisposable
{
    private const string Thread = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";

    private readonly TempDirectory _temp = TempDirectory.OutsideSystemTemp();
    private readonly AgentAccount _account = AgentUsers.Account();
    private readonly SecretMasker _masker = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PackAsync_TheAgentsSession_ArchiveUnpacksToTheSameRolloutFiles()
    {
        var folder = RunFolder(("2026/11/02/rollout-a-" + Thread + ".jsonl", "{\"turn\":1}\n"), ("2026/11/03/rollout-b.jsonl", "{\"turn\":2}\n"));

        var session = await Packer().PackAsync(folder.CodexHome, _temp.File("session.tar.gz"), Ct);

        Assert.Equal((2, 0), (session.Files, session.Dropped));
        var back = Directory.CreateDirectory(_temp.File("back")).FullName;
        SessionArchive.Extract(session.Path, back);
        Assert.Equal("{\"turn\":1}\n", File.ReadAllText(Path.Combine(back, "sessions/2026/11/02/rollout-a-" + Thread + ".jsonl")));
        Assert.Equal("{\"turn\":2}\n", File.ReadAllText(Path.Combine(back, "sessions/2026/11/03/rollout-b.jsonl")));
        Assert.False(File.Exists(Path.Combine(folder.Root, "session.tar")));
    }

    [Fact]
    public async Task PackAsync_AgentLinkedAWorkerFileIntoItsSessions_ThatFileNeverReachesTheArchive()
    {
        const string WorkerSecret = "worker-only-content-0123456789";
        var secretFile = _temp.File("worker-secret.txt");
        await File.WriteAllTextAsync(secretFile, WorkerSecret, Ct);
        UnixFiles.SetMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var folder = RunFolder(("rollout-" + Thread + ".jsonl", "{}\n"));
        File.CreateSymbolicLink(Path.Combine(folder.CodexHome, "sessions", "stolen.jsonl"), secretFile);
        _account.GiveToAgent(folder.Home);

        var session = await Packer().PackAsync(folder.CodexHome, _temp.File("session.tar.gz"), Ct);

        var back = Directory.CreateDirectory(_temp.File("back")).FullName;
        var written = SessionArchive.Extract(session.Path, back);
        Assert.Equal(1, session.Dropped);
        Assert.DoesNotContain(written, f => f.EndsWith("stolen.jsonl", StringComparison.Ordinal));
        Assert.All(written, f => Assert.DoesNotContain(WorkerSecret, File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public async Task PackAsync_NoSessionsFolder_SaysThereIsNoSession()
    {
        var folder = AgentRunFolder.Create(_temp.Path, _account);

        var error = await Assert.ThrowsAsync<SessionArchiveException>(() => Packer().PackAsync(folder.CodexHome, _temp.File("session.tar.gz"), Ct));

        Assert.Contains("is there a session?", error.Message, StringComparison.Ordinal);
    }

    private SessionPacker Packer() => new(new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System, _masker), _account, _masker);

    /// <summary>A run folder whose CODEX_HOME/sessions holds <paramref name="files"/>, all of it the agent's, as Codex leaves it.</summary>
    private AgentRunFolder RunFolder(params (string Path, string Content)[] files) => AgentRunFolder.Create(_temp.Path, _account, codexHome =>
    {
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(codexHome, "sessions", path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
    });
}
