using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>
/// Runs <c>git</c> through <see cref="IProcessRunner"/> with the options every command needs: the commit identity,
/// the credential helper, no hooks, no prompts, no system configuration, and the per-command timeout. Nothing is
/// written to any git configuration file.
/// </summary>
internal sealed partial class GitCli(IProcessRunner processRunner, ISecretMasker secretMasker, IOptions<GitOptions> options, ILogger<GitCli> logger)
{
    private const int StandardErrorTailLines = 10;

    /// <summary>Runs the command; an exit code it does not accept, or its timeout, throws <see cref="GitCommandException"/>.</summary>
    public async Task<GitOutput> RunAsync(GitCommand command, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.Token))
        {
            secretMasker.AddValue(settings.Token); // before git can print a line
        }

        var spec = BuildSpec(command, settings);
        var standardOutput = new List<string>();
        var standardError = new Queue<string>();
        Log.GitStarting(logger, command.Subcommand, command.Directory ?? "");
        var result = await processRunner.RunAsync(spec, line => Collect(line, command.Subcommand, standardOutput, standardError), cancellationToken);

        if (result.Cancelled)
        {
            throw new OperationCanceledException($"git {command.Subcommand} was cancelled.", cancellationToken);
        }

        var tail = secretMasker.Mask(string.Join('\n', standardError));
        if (result.TimedOut || !command.AcceptedExitCodes.Contains(result.ExitCode))
        {
            int? exitCode = result.TimedOut ? null : result.ExitCode;
            Log.GitFailed(logger, command.Subcommand, exitCode, tail);
            throw new GitCommandException(command.Subcommand, exitCode, tail);
        }

        Log.GitFinished(logger, command.Subcommand, result.ExitCode, result.Duration.TotalMilliseconds);
        return new GitOutput(result.ExitCode, standardOutput);
    }

    /// <summary>The process to start for <paramref name="command"/>: global options first, then the command's own arguments.</summary>
    public static ProcessSpec BuildSpec(GitCommand command, GitOptions settings)
    {
        List<string> arguments =
        [
            "-c", "user.name=" + settings.AuthorName,
            "-c", "user.email=" + settings.AuthorEmail,
            "-c", "core.hooksPath=/dev/null", // the agent controls the working copy, so none of its hooks run
            "-c", "commit.gpgsign=false",
            .. GitCredentialHelper.ConfigArguments(withToken: !string.IsNullOrEmpty(settings.Token)),
            .. command.Arguments,
        ];
        return new ProcessSpec
        {
            FileName = "git",
            Arguments = arguments,
            WorkingDirectory = command.Directory,
            Environment = GitCredentialHelper.Environment(settings.Token),
            Stdin = command.Stdin,
            Timeout = settings.Timeout,
            InterruptGrace = TimeSpan.FromSeconds(5),
        };
    }

    private ValueTask Collect(OutputLine line, string subcommand, List<string> standardOutput, Queue<string> standardError)
    {
        if (line.Stream == OutputStream.StandardOutput)
        {
            standardOutput.Add(line.Text);
            return ValueTask.CompletedTask;
        }

        Log.GitStandardError(logger, subcommand, line.Text);
        standardError.Enqueue(line.Text);
        if (standardError.Count > StandardErrorTailLines)
        {
            standardError.Dequeue();
        }

        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, EventName = "GitStarting", Level = LogLevel.Debug, Message = "git {Subcommand} in '{Directory}'")]
        public static partial void GitStarting(ILogger logger, string subcommand, string directory);

        [LoggerMessage(EventId = 1001, EventName = "GitStandardError", Level = LogLevel.Debug, Message = "git {Subcommand}: {Line}")]
        public static partial void GitStandardError(ILogger logger, string subcommand, string line);

        [LoggerMessage(EventId = 1002, EventName = "GitFinished", Level = LogLevel.Debug, Message = "git {Subcommand} exited with code {ExitCode} after {DurationMs} ms")]
        public static partial void GitFinished(ILogger logger, string subcommand, int exitCode, double durationMs);

        [LoggerMessage(EventId = 1003, EventName = "GitFailed", Level = LogLevel.Warning, Message = "git {Subcommand} failed (exit code {ExitCode}, null = timed out): {StandardError}")]
        public static partial void GitFailed(ILogger logger, string subcommand, int? exitCode, string standardError);
    }
}
