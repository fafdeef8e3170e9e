using System.Diagnostics;
using System.Formats.Tar;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Sessions;

namespace AgentConductor.Worker.Tests.Sessions;

/// <summary>The session archive both ways: what the agent's tar becomes before it leaves, and what a served archive may write into CODEX_HOME.</summary>
public sealed class SessionArchiveTests : IDisposable
{
    private const string Thread = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Extract_ValidArchive_WritesItsFoldersAndFilesUnderCodexHome()
    {
        var archive = SessionTars.Write(_temp.File("s.tar.gz"), SessionTars.Folder("sessions/"), SessionTars.File(SessionTars.Rollout(Thread), "{\"a\":1}\n"));
        var home = Directory.CreateDirectory(_temp.File("home")).FullName;

        var written = SessionArchive.Extract(archive, home);

        var rollout = Path.Combine(home, SessionTars.Rollout(Thread));
        Assert.Equal([rollout], written);
        Assert.Equal("{\"a\":1}\n", File.ReadAllText(rollout));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Worker.Processes.UnixFiles.Mode(rollout));
    }

    public static TheoryData<string> Hostile => ["symlink", "hardlink", "climbs", "absolute", "outside", "fifo", "file then folder", "bomb", "not gzip", "empty"];

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Extract_ArchiveThatBreaksTheRules_RefusedWithNothingWrittenOutsideCodexHome(string hostile)
    {
        var archive = _temp.File("s.tar.gz");
        var bombSize = 0L;
        switch (hostile)
        {
            case "symlink":
                SessionTars.Write(archive, new PaxTarEntry(TarEntryType.SymbolicLink, "sessions/x.jsonl") { LinkName = _temp.File("outside.txt") });
                break;
            case "hardlink":
                SessionTars.Write(archive, new PaxTarEntry(TarEntryType.HardLink, "sessions/x.jsonl") { LinkName = "/etc/passwd" });
                break;
            case "climbs":
                SessionTars.Write(archive, SessionTars.File("sessions/../../outside.txt", "escaped"));
                break;
            case "absolute":
                SessionTars.Write(archive, SessionTars.File(_temp.File("outside.txt"), "escaped"));
                break;
            case "outside":
                SessionTars.Write(archive, SessionTars.File("config.toml", "model_provider = \"evil\""));
                break;
            case "fifo":
                SessionTars.Write(archive, new PaxTarEntry(TarEntryType.Fifo, "sessions/pipe"));
                break;
            case "file then folder":
                SessionTars.Write(archive, SessionTars.File("sessions/a", "x"), SessionTars.File("sessions/a/b.jsonl", "y"));
                break;
            case "bomb":
                SessionTars.Write(archive, SessionTars.File(SessionTars.Rollout(Thread), new string('\n', 4 * 1024 * 1024)));
                bombSize = 1024 * 1024;
                break;
            case "not gzip":
                File.WriteAllText(archive, "no archive");
                break;
            default:
                SessionTars.Write(archive);
                break;
        }

        var home = Directory.CreateDirectory(_temp.File("home")).FullName;

        Assert.Throws<SessionArchiveException>(() => SessionArchive.Extract(archive, home, bombSize > 0 ? bombSize : SessionArchive.MaxExpandedBytes));

        Assert.False(File.Exists(_temp.File("outside.txt")));
        Assert.DoesNotContain(Directory.GetFiles(home, "*", SearchOption.AllDirectories), f => !f.EndsWith("sessions/a", StringComparison.Ordinal));
    }

    [Fact]
    public void Normalize_TheAgentsTar_KeepsRolloutsMasksSecretsAndDropsLinksAndBinaries()
    {
        const string Secret = "ghs_AgentMustNeverSeeThis0123456789";
        var home = Directory.CreateDirectory(_temp.File("home")).FullName;
        var sessions = Directory.CreateDirectory(Path.Combine(home, "sessions", "2026", "11", "02")).FullName;
        File.WriteAllText(Path.Combine(sessions, $"rollout-x-{Thread}.jsonl"), $"{{\"leaked\":\"{Secret}\"}}\n");
        File.CreateSymbolicLink(Path.Combine(sessions, "link.jsonl"), "/etc/hostname");
        File.WriteAllBytes(Path.Combine(sessions, "blob.bin"), [0xff, 0xfe, 0x00, 0xc3]);
        var raw = _temp.File("raw.tar");
        Tar("--create", "--file=" + raw, "--directory=" + home, "sessions");
        var masker = new SecretMasker();
        masker.AddValue(Secret);

        var session = SessionArchive.Normalize(raw, _temp.File("session.tar.gz"), masker);

        Assert.Equal((1, 2), (session.Files, session.Dropped));
        var back = Directory.CreateDirectory(_temp.File("back")).FullName;
        var written = Assert.Single(SessionArchive.Extract(session.Path, back));
        Assert.Equal("{\"leaked\":\"***\"}\n", File.ReadAllText(written));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(session.Path))), session.Sha256);
        Assert.Equal(new FileInfo(session.Path).Length, session.Size);
    }

    [Theory]
    [InlineData("sessions/2026/x.jsonl", "sessions/2026/x.jsonl")]
    [InlineData("./sessions/x.jsonl", "sessions/x.jsonl")]
    [InlineData("sessions/", "sessions")]
    [InlineData("sessions/../x", null)]
    [InlineData("/sessions/x", null)]
    [InlineData("config.toml", null)]
    [InlineData("sessions//x", null)]
    [InlineData("sessions\\x", null)]
    public void Relative_EntryNames_OnlyPlainPathsUnderSessions(string name, string? expected) =>
        Assert.Equal(expected, SessionArchive.Relative(name));

    private static void Tar(params string[] arguments)
    {
        var start = new ProcessStartInfo("tar") { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}
