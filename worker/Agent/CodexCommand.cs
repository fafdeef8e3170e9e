using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Builds <c>codex exec --json --sandbox danger-full-access --skip-git-repo-check -C repo -o file [-m model] [provider] [-c k=v ...] [resume THREAD] -</c>.
/// A resumed session inherits none of these from the run that began it, so every one is given again; <c>exec</c>'s own
/// options (<c>--sandbox</c>, <c>-C</c>) go before the <c>resume</c> subcommand, which does not take them itself.
/// The container is the sandbox: Codex's own (bubblewrap) does not work in Fargate. The extra configuration comes after
/// the model provider (<see cref="CodexModelProvider"/>), so it can tune it (say, its retry counts). The process gets an
/// exact environment (<see cref="AgentEnvironment"/>), never the worker's, and runs as the agent's user when separated.
/// </summary>
internal static class CodexCommand
{
    public const string ApiKeyVariable = "CODEX_API_KEY";
    public const string HomeVariable = "CODEX_HOME";

    /// <param name="modelBaseUrl">The worker's model proxy.</param>
    /// <param name="environment">The agent's whole environment.</param>
    /// <param name="resumeThreadId">The thread to continue (<c>resume &lt;id&gt;</c>); null starts a new one.</param>
    public static ProcessSpec Build(
        AgentOptions options, AgentRunRequest request, AgentRunFolder folder, Uri modelBaseUrl, IReadOnlyDictionary<string, string> environment, AgentAccount account,
        string? resumeThreadId = null)
    {
        var command = options.CommandOrDefault;
        List<string> arguments =
        [
            .. command.Skip(1),
            "exec", "--json",
            "--sandbox", "danger-full-access",
            "--skip-git-repo-check",
            "-C", request.RepositoryPath,
            "-o", folder.LastMessagePath,
        ];

        var model = string.IsNullOrWhiteSpace(request.Model) ? options.Model : request.Model;
        if (!string.IsNullOrWhiteSpace(model))
        {
            arguments.AddRange(["-m", model]);
        }

        arguments.AddRange(CodexModelProvider.Arguments(modelBaseUrl));
        foreach (var (key, value) in request.ExtraConfig.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            arguments.AddRange(["-c", $"{key}={value}"]);
        }

        if (resumeThreadId is not null)
        {
            // A UUID, so it can never be read as an option or a thread name.
            arguments.AddRange(["resume", Guid.TryParseExact(resumeThreadId, "D", out _) ? resumeThreadId : throw new ArgumentException($"'{resumeThreadId}' is not a thread id (a UUID).", nameof(resumeThreadId))]);
        }

        arguments.Add("-"); // the prompt comes on stdin

        return new ProcessSpec
        {
            FileName = command[0],
            Arguments = arguments,
            WorkingDirectory = request.RepositoryPath,
            Environment = environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
            InheritEnvironment = false,
            RunAs = account.User,
            Stdin = StdinSource.FromText(request.Prompt),
            InterruptGrace = options.InterruptGrace,
        };
    }

    /// <summary>The model API the proxy forwards to: the job's, else <see cref="AgentOptions.ModelBaseUrl"/>, else OpenAI's.</summary>
    public static Uri Upstream(AgentOptions options, AgentRunRequest request) =>
        request.ModelBaseUrl
        ?? (string.IsNullOrWhiteSpace(options.ModelBaseUrl) ? null : CodexModelProvider.ParseBaseUrl(options.ModelBaseUrl))
        ?? new Uri(AgentOptions.OpenAiBaseUrl);
}
