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
        var settings = options.Value;
        var idleTimeout = request.IdleTimeout ?? settings.IdleTimeout;
        var timeout = request.Timeout ?? settings.Timeout;
        var translator = new CodexEventTranslator(request.JobId, request.RepositoryPath, timeProvider, secretMasker);
        if ((account.FirstUnreachable(request.RepositoryPath) ?? account.FirstUnreachable(Path.Combine(request.StateDirectory, "run"))) is { } blocked)
        {
            var reason = $"the agent's user ({account}) cannot pass through {blocked}: give others execute permission on it (chmod o+x) or move the work folder";
            Log.AgentNotStarted(logger, request.JobId, reason);
            return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero);
        }

        AgentRunFolder folder;
        try
        {
            folder = AgentRunFolder.Create(request.StateDirectory, account);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = $"could not prepare the agent's folder in {request.StateDirectory}: {e.Message}";
            Log.AgentNotStarted(logger, request.JobId, reason);
            return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero);
        }

        await using var proxy = await proxies.StartAsync(CodexCommand.Upstream(settings, request), request.ModelKey, cancellationToken);
        secretMasker.AddValue(proxy.Token);
        var environment = AgentEnvironment.Build(
            AgentEnvironment.OfThisProcess(), settings, folder, proxy.Token, [.. secrets.Values, request.ModelKey ?? ""]);
        var spec = CodexCommand.Build(settings, request, folder, proxy.BaseUrl, environment, account);
        if (ProgramOnPath(spec.FileName, environment.GetValueOrDefault("PATH")) is not { } program)
        {
            var reason = $"could not start the agent ({spec.FileName}): no such program{(spec.FileName.Contains('/', StringComparison.Ordinal) ? "" : " on the agent's PATH")}";
            Log.AgentNotStarted(logger, request.JobId, reason);
            return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero);
        }

        if (account.FirstUnreachable(program) is { } hidden)
        {
            var reason = $"the agent's user ({account}) cannot reach the agent program {program}: {hidden} is closed to it (chmod o+x)";
            Log.AgentNotStarted(logger, request.JobId, reason);
            return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero);
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
                var reason = secretMasker.Mask($"could not start the agent ({spec.FileName}): {e.Message}");
                Log.AgentNotStarted(logger, request.JobId, reason);
                return new AgentRunResult(AgentOutcome.Failed, null, new TokenUsage(), reason, -1, [], false, TimeSpan.Zero) { ReportedUsage = translator.Usage };
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
            return new AgentRunResult(
                outcome, summary, usage, failure, process.ExitCode,
                [.. translator.CommandsRun], process.Killed, process.Duration)
            {
                ReportedUsage = translator.Usage,
                ModelRequests = proxy.Usage.Requests,
            };
        }
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

        [LoggerMessage(EventId = 903, EventName = "AgentUsageDiffers", Level = LogLevel.Information, Message = "Job {JobId}: the model proxy counted {InputTokens} input / {OutputTokens} output tokens, the agent reported {ReportedInputTokens} / {ReportedOutputTokens}; the proxy's count is kept")]
        public static partial void UsageDiffers(ILogger logger, string jobId, long inputTokens, long outputTokens, long reportedInputTokens, long reportedOutputTokens);
    }
}
