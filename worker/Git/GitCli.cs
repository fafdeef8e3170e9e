using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>
/// Runs <c>git</c> through <see cref="IProcessRunner"/> with what every command needs: the commit identity, no hooks, no
/// fsmonitor, no prompts, no system or global configuration, only the protocol of the command's one remote, and the
/// per-command timeout. Each command gets an exact environment, never the worker's own. The token (from
/// <see cref="WorkerSecrets"/>, read when the command starts) goes only to commands that talk to the job's http(s)
/// remote, through <see cref="GitCredentialHelper"/>. Workspace commands run as the agent's user with no secret at all.
/// Nothing is written to any git configuration file.
/// </summary>
internal sealed partial class GitCli(
    IProcessRunner processRunner, ISecretMasker secretMasker, WorkerSecrets secrets, AgentAccount account, IOptions<GitOptions> options, ILogger<GitCli> logger)
{
    private const int StandardErrorTailLines = 10;

    /// <summary>The HOME of workspace commands: nothing there, so no configuration or attributes file is read from it.</summary>
    public const string NoHome = "/nonexistent";

    // The worker's variables a worker-side command keeps: where programs are, and what reaching a remote may need.
    private static readonly string[] WorkerVariables =
    [
        "PATH", "HOME", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE",
        "SSL_CERT_DIR", "GIT_SSL_CAINFO", "SSH_AUTH_SOCK",
    ];

    /// <summary>Runs the command; an exit code it does not accept, or its timeout, throws <see cref="GitCommandException"/>.</summary>
    public async Task<GitOutput> RunAsync(GitCommand command, CancellationToken cancellationToken)
    {
        var spec = BuildSpec(command, options.Value, command.InWorkspace ? null : secrets.GitHubToken, account.User, WorkerEnvironment());
        var standardOutput = new List<string>();
        var standardError = new Queue<string>();
        Log.GitStarting(logger, command.Subcommand, command.Directory ?? "", command.InWorkspace ? "the agent's user" : "the worker");
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

    /// <summary>
    /// The process to start for <paramref name="command"/>: global options first, then the command's own arguments.
    /// </summary>
    /// <param name="token">The GitHub token; offered only when the command's remote is http(s).</param>
    /// <param name="agent">The agent's user, for workspace commands; null runs them as the worker's own.</param>
    /// <param name="worker">The worker's environment; only <see cref="WorkerVariables"/> are taken from it.</param>
    public static ProcessSpec BuildSpec(GitCommand command, GitOptions settings, string? token, ProcessUser? agent, IReadOnlyDictionary<string, string> worker)
    {
        var withToken = !command.InWorkspace && !string.IsNullOrEmpty(token) && command.Remote is { TakesToken: true };
        List<string> arguments =
        [
            "-c", "user.name=" + settings.AuthorName,
            "-c", "user.email=" + settings.AuthorEmail,
            "-c", "core.hooksPath=/dev/null", // the agent controls the working copy, so none of its hooks run
            "-c", "core.fsmonitor=false",
            "-c", "commit.gpgsign=false",
            "-c", "protocol.allow=never",
            .. command.Remote is { } remote ? ["-c", $"protocol.{remote.Protocol}.allow=always"] : Array.Empty<string>(),
            .. GitCredentialHelper.ConfigArguments(withToken),
            .. command.Arguments,
        ];

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["LC_ALL"] = "C",
        };
        foreach (var name in command.InWorkspace ? ["PATH"] : WorkerVariables)
        {
            if (worker.TryGetValue(name, out var value))
            {
                environment[name] = value;
            }
        }

        if (command.InWorkspace)
        {
            environment["HOME"] = NoHome;
        }

        if (withToken)
        {
            foreach (var (name, value) in GitCredentialHelper.Environment(command.Remote!, token!))
            {
                environment[name] = value;
            }
        }

        return new ProcessSpec
        {
            FileName = "git",
            Arguments = arguments,
            WorkingDirectory = command.Directory,
            Environment = environment,
            InheritEnvironment = false,
            RunAs = command.InWorkspace ? agent : null,
            Stdin = command.Stdin,
            Timeout = settings.Timeout,
            InterruptGrace = TimeSpan.FromSeconds(5),
        };
    }

    private static IReadOnlyDictionary<string, string> WorkerEnvironment() => AgentEnvironment.OfThisProcess();

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
        [LoggerMessage(EventId = 1000, EventName = "GitStarting", Level = LogLevel.Debug, Message = "git {Subcommand} in '{Directory}' as {User}")]
        public static partial void GitStarting(ILogger logger, string subcommand, string directory, string user);

        [LoggerMessage(EventId = 1001, EventName = "GitStandardError", Level = LogLevel.Debug, Message = "git {Subcommand}: {Line}")]
        public static partial void GitStandardError(ILogger logger, string subcommand, string line);

        [LoggerMessage(EventId = 1002, EventName = "GitFinished", Level = LogLevel.Debug, Message = "git {Subcommand} exited with code {ExitCode} after {DurationMs} ms")]
        public static partial void GitFinished(ILogger logger, string subcommand, int exitCode, double durationMs);

        [LoggerMessage(EventId = 1003, EventName = "GitFailed", Level = LogLevel.Warning, Message = "git {Subcommand} failed (exit code {ExitCode}, null = timed out): {StandardError}")]
        public static partial void GitFailed(ILogger logger, string subcommand, int? exitCode, string standardError);
    }
}
