using System.ComponentModel;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Runs <c>codex exec</c> through <see cref="IProcessRunner"/> under a watchdog and judges the run: exit code 0 is
/// not enough; a <c>turn.failed</c>, an <c>error</c> event that no completed turn followed, or a missing (or empty)
/// last-message file makes it a failure. An <c>error</c> that a completed turn follows (<c>Reconnecting... 1/5</c>) is
/// a retry Codex recovered from.
/// </summary>
internal sealed partial class CodexAgentRunner(
    IProcessRunner processRunner,
    ISecretMasker secretMasker,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<CodexAgentRunner> logger) : IAgentRunner
{
    public async Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
    {
        secretMasker.AddValue(request.ApiKey); // before any line of the agent can be read
        cancellationToken.ThrowIfCancellationRequested();

        var settings = options.Value;
        var idleTimeout = request.IdleTimeout ?? settings.IdleTimeout;
        var timeout = request.Timeout ?? settings.Timeout;
        var runDirectory = Path.Combine(request.StateDirectory, $"codex-run-{Guid.NewGuid():N}");
        var codexHome = Directory.CreateDirectory(Path.Combine(runDirectory, "home")).FullName;
        var lastMessagePath = Path.Combine(runDirectory, "last-message.md");
        var spec = CodexCommand.Build(settings, request, codexHome, lastMessagePath);
        var translator = new CodexEventTranslator(request.JobId, request.RepositoryPath, timeProvider, secretMasker);
        Log.AgentStarting(logger, request.JobId, spec.FileName, idleTimeout, timeout);

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
                return new AgentRunResult(AgentOutcome.Failed, null, translator.Usage, reason, -1, [], false, TimeSpan.Zero);
            }

            async ValueTask OnLineAsync(OutputLine line)
            {
                watchdog.Touch();
                foreach (var update in translator.Translate(line))
                {
                    await onProgress(update);
                }
            }

            var summary = ReadSummary(lastMessagePath);
            var reported = translator.Failure is { } said ? CodexFailures.Explain(said) : null;
            var (outcome, failure) = Judge(process, watchdog.Reason, reported, summary is not null, idleTimeout, timeout);
            failure = failure is null ? null : secretMasker.Mask(failure);
            Log.AgentFinished(logger, request.JobId, outcome, process.ExitCode, translator.Turns, translator.Usage.InputTokens, translator.Usage.OutputTokens, failure);
            return new AgentRunResult(
                outcome, summary, translator.Usage, failure, process.ExitCode,
                [.. translator.CommandsRun], process.Killed, process.Duration);
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

    private string? ReadSummary(string path)
    {
        try
        {
            // Codex leaves an empty file behind a turn that failed or was interrupted: that is no last message either.
            return File.Exists(path) && File.ReadAllText(path) is { } text && !string.IsNullOrWhiteSpace(text) ? secretMasker.Mask(text) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, EventName = "AgentStarting", Level = LogLevel.Information, Message = "Job {JobId}: starting the agent {Program} (idle timeout {IdleTimeout}, timeout {Timeout})")]
        public static partial void AgentStarting(ILogger logger, string jobId, string program, TimeSpan idleTimeout, TimeSpan timeout);

        [LoggerMessage(EventId = 901, EventName = "AgentNotStarted", Level = LogLevel.Error, Message = "Job {JobId}: {Reason}")]
        public static partial void AgentNotStarted(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 902, EventName = "AgentFinished", Level = LogLevel.Information, Message = "Job {JobId}: agent {Outcome}, exit code {ExitCode}, {Turns} turns, {InputTokens} input / {OutputTokens} output tokens; {Failure}")]
        public static partial void AgentFinished(ILogger logger, string jobId, AgentOutcome outcome, int exitCode, int turns, long inputTokens, long outputTokens, string? failure);
    }
}
