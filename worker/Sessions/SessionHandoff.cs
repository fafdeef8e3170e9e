using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Sessions;

/// <summary>
/// At the end of every run that started a Codex thread, hands the session to the conductor (UploadSession) so a
/// follow-up of the job can resume it. Never fails the job: a session that cannot be packed or kept only means the
/// follow-up starts afresh, and the job's log says why. Bounded in time of its own, as the report after it is.
/// </summary>
internal sealed partial class SessionHandoff(IConductorClient conductor, SessionPacker packer, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <param name="archivePath">Where to write the archive (a file of the worker's).</param>
    /// <param name="log">Writes a line to the job's log.</param>
    public async Task HandOverAsync(AgentRunResult run, string archivePath, Action<string> log)
    {
        if (run.ThreadId is not { } threadId || run.CodexHome is not { } codexHome)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(Deadline, time);
        try
        {
            var session = await packer.PackAsync(codexHome, archivePath, deadline.Token);
            await conductor.UploadSessionAsync(new SessionHeader { ThreadId = threadId, Size = session.Size, Sha256 = session.Sha256 }, session.Path, deadline.Token);
            log($"agent session handed to the conductor (thread {threadId}, {session.Files} files, {session.Size} bytes{(session.Dropped > 0 ? $"; {session.Dropped} entries that were no plain files left out" : "")})");
        }
        catch (Exception ex) when (ex is SessionArchiveException or ConductorUnreachableException or ConductorRejectedException or IOException or UnauthorizedAccessException
            || (ex is OperationCanceledException && deadline.IsCancellationRequested))
        {
            var reason = ex is ConductorRejectedException { StatusCode: StatusCode.Unimplemented } ? "the conductor does not keep sessions" : ex.Message;
            Log.NotHandedOver(logger, threadId, reason);
            log($"agent session not kept ({reason}): a follow-up will start the agent afresh");
        }
        finally
        {
            File.Delete(archivePath);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1700, EventName = "AgentSessionNotHandedOver", Level = LogLevel.Warning, Message = "The agent session (thread {ThreadId}) was not handed to the conductor: {Reason}")]
        public static partial void NotHandedOver(ILogger logger, string threadId, string reason);
    }
}
