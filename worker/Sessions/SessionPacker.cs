using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Sessions;

/// <summary>
/// Packs an agent run's session for the conductor. CODEX_HOME is the agent's (a root worker without
/// <c>CAP_DAC_READ_SEARCH</c> cannot even list it), so <c>tar</c> runs as the agent's user with no secret in its
/// environment and writes into a drop file of the worker's: it can read no more than the agent could, and a link it meets
/// is stored as a link, never followed. The worker then reads that tar as untrusted input and writes the archive to upload
/// from it (<see cref="SessionArchive.Normalize"/>).
/// </summary>
internal sealed class SessionPacker(IProcessRunner processRunner, AgentAccount account, ISecretMasker masker)
{
    private static readonly TimeSpan TarTimeout = TimeSpan.FromMinutes(2);

    /// <param name="codexHome">The run's CODEX_HOME (<see cref="AgentRunResult.CodexHome"/>).</param>
    /// <param name="archivePath">Where to write the archive: a file of the worker's, out of the agent's reach.</param>
    /// <exception cref="SessionArchiveException">There is no session to pack, or it cannot be packed.</exception>
    public async Task<NormalizedSession> PackAsync(string codexHome, string archivePath, CancellationToken cancellationToken)
    {
        // The run folder (codex-run-*/) is the worker's and passable; home/.codex inside it is the agent's.
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(codexHome))!)!;
        var raw = Path.Combine(runFolder, "session.tar");
        account.CreateDropFile(raw);
        try
        {
            var result = await processRunner.RunAsync(
                new ProcessSpec
                {
                    FileName = "tar",
                    Arguments = ["--create", "--file=" + raw, "--directory=" + Path.GetFullPath(codexHome), "--no-acls", "--no-xattrs", "--", SessionArchive.Root],
                    Environment = new Dictionary<string, string?>
                    {
                        ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
                        ["HOME"] = GitCli.NoHome,
                        ["LC_ALL"] = "C",
                    },
                    InheritEnvironment = false,
                    RunAs = account.User,
                    Timeout = TarTimeout,
                    InterruptGrace = TimeSpan.FromSeconds(5),
                },
                onLine: null,
                cancellationToken);
            if (result.Cancelled)
            {
                throw new OperationCanceledException("packing the agent's session was cancelled", cancellationToken);
            }

            if (result.TimedOut || result.ExitCode != 0)
            {
                throw new SessionArchiveException(result.TimedOut
                    ? $"tar did not pack CODEX_HOME/{SessionArchive.Root} within {TarTimeout}"
                    : $"tar could not pack CODEX_HOME/{SessionArchive.Root} (exit code {result.ExitCode}; is there a session?)");
            }

            var session = SessionArchive.Normalize(raw, archivePath, masker);
            return session.Files > 0 ? session : throw new SessionArchiveException($"CODEX_HOME/{SessionArchive.Root} holds no rollout file");
        }
        finally
        {
            File.Delete(raw);
        }
    }
}
