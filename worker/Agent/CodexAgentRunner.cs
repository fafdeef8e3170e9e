using System.ComponentModel;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.ModelProxy;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Runs <c>codex exec</c> through <see cref="IProcessRunner"/> under a watchdog and judges the run: exit code 0 is
/// not enough; a <c>turn.failed</c>, an <c>error</c> event that no completed turn followed, or a missing (or empty)
/// last-message file makes it a failure. An <c>error</c> that a completed turn follows (<c>Reconnecting... 1/5</c>) is
/// a retry Codex recovered from. Each run gets its own model proxy (the agent's only way to the model, with a token that
/// dies with the run), its own HOME and an exact environment, and runs as the agent's user when the worker can switch.
/// A run asked to resume a session unpacks it into its CODEX_HOME and runs <c>codex exec resume</c>; when the archive is
/// unusable, or Codex cannot resume it (it exits without starting the thread or asking the model anything), the run
/// starts afresh and says why.
/// </summary>
internal sealed partial class CodexAgentRunner(
    IProcessRunner processRunner,
    ISecretMasker secretMasker,
    IOptions<AgentOptions> options,
    AgentAccount account,
    ModelProxyFactory proxies,
    WorkerSecrets secrets,
    TimeProvider timeProvider,
    ILogger<CodexAgentRunner> logger) : IAgentRunner
{
    public async Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.ModelKey))
        {
            secretMasker.AddValue(request.ModelKey); // before any line of the agent can be read
        }

        cancellationToken.ThrowIfCancellationRequested();
        if ((account.FirstUnreachable(request.RepositoryPath) ?? account.FirstUnreachable(Path.Combine(request.StateDirectory, "run"))) is { } blocked)
        {
            return NotStarted(request, $"the agent's user ({account}) cannot pass through {blocked}: give others execute permission on it (chmod o+x) or move the work folder");
        }

        string? fallback = null;
        if (request.Resume is { } resume)
        {
            var (seeded, problem) = PrepareResume(request, resume);
            if (seeded is not null)
            {
                var resumed = await RunInAsync(request, seeded, resume.ThreadId, onProgress, cancellationToken);
                if (resumed.StartFailure is null)
                {
                    return resumed.Result with { Resumed = true };
                }

                problem = $"codex could not resume it ({resumed.StartFailure})";
            }

            fallback = secretMasker.Mask(problem!);
            Log.ResumeFallback(logger, request.JobId, resume.ThreadId, fallback);
            await onProgress(ProgressUpdates.Log(
                request.JobId, LogStream.Worker, $"could not resume the agent's session (thread {resume.ThreadId}): {fallback}; starting the agent afresh", timeProvider.GetUtcNow()));
        }

        AgentRunFolder folder;
        try
        {
            folder = AgentRunFolder.Create(request.StateDirectory, account);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return NotStarted(request, $"could not prepare the agent's folder in {request.StateDirectory}: {e.Message}") with { ResumeFallback = fallback };
        }

        var fresh = await RunInAsync(request, folder, null, onProgress, cancellationToken);
        return fresh.Result with { ResumeFallback = fallback };
    }

    /// <summary>A run folder whose CODEX_HOME holds the session to resume, or why there is none (the archive is unusable).</summary>
    private (AgentRunFolder? Folder, string? Problem) PrepareResume(AgentRunRequest request, AgentResume resume)
    {
        if (!Guid.TryParseExact(resume.ThreadId, "D", out _))
        {
            return (null, $"'{resume.ThreadId}' is not a thread id");
        }

        try
        {
            IReadOnlyList<string> files = [];
            var folder = AgentRunFolder.Create(request.StateDirectory, account, codexHome => files = Sessions.SessionArchive.Extract(resume.ArchivePath, codexHome));
            return files.Any(f => Path.GetFileName(f).Contains(resume.ThreadId, StringComparison.OrdinalIgnoreCase))
                ? (folder, null)
                : (null, $"the session's archive holds no rollout file of thread {resume.ThreadId}");
        }
        catch (Sessions.SessionArchiveException e)
        {
            return (null, $"the session's archive is unusable: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"the session could not be unpacked: {e.Message}");
        }
    }

    /// <summary>
    /// One <c>codex exec</c> (or <c>codex exec resume</c>) in <paramref name="folder"/>. <c>StartFailure</c> is set when a
    /// resume ended without ever starting its thread or asking the model anything: the session was unusable to Codex.
    /// </summary>
    private async Task<(AgentRunResult Result, string? StartFailure)> RunInAsync(
        AgentRunRequest request, AgentRunFolder folder, string? resumeThreadId, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var idleTimeout = request.IdleTimeout ?? settings.IdleTimeout;
        var timeout = request.Timeout ?? settings.Timeout;
        var translator = new CodexEventTranslator(request.JobId, request.RepositoryPath, timeProvider, secretMasker);
        await using var proxy = await proxies.StartAsync(CodexCommand.Upstream(settings, request), request.ModelKey, cancellationToken);
        secretMasker.AddValue(proxy.Token);
        var environment = AgentEnvironment.Build(
            AgentEnvironment.OfThisProcess(), settings, folder, proxy.Token, [.. secrets.Values, request.ModelKey ?? ""]);
        var spec = CodexCommand.Build(settings, request, folder, proxy.BaseUrl, environment, account, resumeThreadId);
        if (ProgramOnPath(spec.FileName, environment.GetValueOrDefault("PATH")) is not { } program)
        {
            return (NotStarted(request, $"could not start the agent ({spec.FileName}): no such program{(spec.FileName.Contains('/', StringComparison.Ordinal) ? "" : " on the agent's PATH")}"), null);
        }

        if (account.FirstUnreachable(program) is { } hidden)
        {
            return (NotStarted(request, $"the agent's user ({account}) cannot reach the agent program {program}: {hidden} is closed to it (chmod o+x)"), null);
        }

        Log.AgentStarting(logger, request.JobId, spec.FileName, account, idleTimeout, timeout);

        ProcessResult process;
        using (var watchdog = new AgentWatchdog(timeProvider, idleTimeout, timeout, cancellationToken))
        {
            try
            {
                process = await processRunner.RunAsync(spec, OnLineAsync, watchdog.Token);
            }
            catch (Exception e) when (e is Win32Exception or IOException)
            {
                return (NotStarted(request, secretMasker.Mask($"could not start the agent ({spec.FileName}): {e.Message}")) with { ReportedUsage = translator.Usage }, null);
            }

            async ValueTask OnLineAsync(OutputLine line)
            {
                watchdog.Touch();
                foreach (var update in translator.Translate(line))
                {
                    await onProgress(update);
                }
            }

            var summary = ReadSummary(folder);
            var reported = translator.Failure is { } said ? CodexFailures.Explain(said) : null;
            var (outcome, failure) = Judge(process, watchdog.Reason, reported, summary is not null, idleTimeout, timeout);
            failure = failure is null ? null : secretMasker.Mask(failure);
            var usage = proxy.Usage.Total.ToTokenUsage();
            if (!usage.Equals(translator.Usage))
            {
                Log.UsageDiffers(logger, request.JobId, usage.InputTokens, usage.OutputTokens, translator.Usage.InputTokens, translator.Usage.OutputTokens);
            }

            Log.AgentFinished(logger, request.JobId, outcome, process.ExitCode, translator.Turns, usage.InputTokens, usage.OutputTokens, failure);
            var result = new AgentRunResult(
                outcome, summary, usage, failure, process.ExitCode,
                [.. translator.CommandsRun], process.Killed, process.Duration)
            {
                ReportedUsage = translator.Usage,
                ModelRequests = proxy.Usage.Requests,
                ThreadId = translator.ThreadId,
                CodexHome = folder.CodexHome,
            };
            var neverStarted = resumeThreadId is not null && !process.Cancelled && process.ExitCode != 0
                && translator.ThreadId is null && proxy.Usage.Requests.Count == 0;
            return (result, neverStarted ? translator.LastStandardError ?? $"exit code {process.ExitCode}" : null);
        }
    }

    private AgentRunResult NotStarted(AgentRunRequest request, string reason)
    {
        Log.AgentNotStarted(logger, request.JobId, reason);
        return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero);
    }

    private static (AgentOutcome Outcome, string? Failure) Judge(
        ProcessResult process, AgentStopReason stopReason, string? reportedFailure, bool wroteSummary, TimeSpan idleTimeout, TimeSpan timeout)
    {
        var how = process.Killed ? "interrupted, then killed" : "interrupted";
        if (process.Cancelled)
        {
            return stopReason switch
            {
                AgentStopReason.Idle => (AgentOutcome.Idle, $"the agent printed nothing for {idleTimeout} and was {how}"),
                AgentStopReason.TimedOut => (AgentOutcome.TimedOut, $"the agent did not finish within {timeout} and was {how}"),
                _ => (AgentOutcome.Cancelled, $"the run was cancelled and the agent was {how}"),
            };
        }

        if (process.ExitCode != 0)
        {
            return (AgentOutcome.Failed, reportedFailure is null
                ? $"the agent exited with code {process.ExitCode}"
                : $"the agent exited with code {process.ExitCode}: {reportedFailure}");
        }

        if (reportedFailure is not null)
        {
            return (AgentOutcome.Failed, $"the agent exited with code 0 but reported a failure: {reportedFailure}");
        }

        return wroteSummary
            ? (AgentOutcome.Succeeded, null)
            : (AgentOutcome.Failed, "the agent exited with code 0 but wrote no last message (-o file)");
    }

    private string? ReadSummary(AgentRunFolder folder)
    {
        try
        {
            // Codex leaves an empty file behind a turn that failed or was interrupted: that is no last message either.
            return folder.ReadLastMessage() is { } text ? secretMasker.Mask(text) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The program's full path: as given when it names a path, else the first match on <paramref name="path"/>; null when there is none.</summary>
    private static string? ProgramOnPath(string program, string? path)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? Path.GetFullPath(program) : null;
        }

        return (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, EventName = "AgentStarting", Level = LogLevel.Information, Message = "Job {JobId}: starting the agent {Program} as {User} (idle timeout {IdleTimeout}, timeout {Timeout})")]
        public static partial void AgentStarting(ILogger logger, string jobId, string program, AgentAccount user, TimeSpan idleTimeout, TimeSpan timeout);

        [LoggerMessage(EventId = 901, EventName = "AgentNotStarted", Level = LogLevel.Error, Message = "Job {JobId}: {Reason}")]
        public static partial void AgentNotStarted(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 902, EventName = "AgentFinished", Level = LogLevel.Information, Message = "Job {JobId}: agent {Outcome}, exit code {ExitCode}, {Turns} turns, {InputTokens} input / {OutputTokens} output tokens; {Failure}")]
        public static partial void AgentFinished(ILogger logger, string jobId, AgentOutcome outcome, int exitCode, int turns, long inputTokens, long outputTokens, string? failure);

        [LoggerMessage(EventId = 904, EventName = "AgentResumeFallback", Level = LogLevel.Warning, Message = "Job {JobId}: could not resume the agent's session (thread {ThreadId}): {Reason}; starting the agent afresh")]
        public static partial void ResumeFallback(ILogger logger, string jobId, string threadId, string reason);

        [LoggerMessage(EventId = 903, EventName = "AgentUsageDiffers", Level = LogLevel.Information, Message = "Job {JobId}: the model proxy counted {InputTokens} input / {OutputTokens} output tokens, the agent reported {ReportedInputTokens} / {ReportedOutputTokens}; the proxy's count is kept")]
        public static partial void UsageDiffers(ILogger logger, string jobId, long inputTokens, long outputTokens, long reportedInputTokens, long reportedOutputTokens);
    }
}
