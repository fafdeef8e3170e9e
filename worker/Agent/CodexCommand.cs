using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Builds <c>codex exec --json --sandbox danger-full-access --skip-git-repo-check -C repo -o file [-m model] [provider] [-c k=v ...] -</c>.
/// The container is the sandbox: Codex's own (bubblewrap) does not work in Fargate. The extra configuration comes after
/// the model provider (<see cref="CodexModelProvider"/>), so it can tune it (say, its retry counts).
/// </summary>
internal static class CodexCommand
{
    public const string ApiKeyVariable = "CODEX_API_KEY";
    public const string HomeVariable = "CODEX_HOME";

    public static ProcessSpec Build(AgentOptions options, AgentRunRequest request, string codexHome, string lastMessagePath)
    {
        var command = options.CommandOrDefault;
        List<string> arguments =
        [
            .. command.Skip(1),
            "exec", "--json",
            "--sandbox", "danger-full-access",
            "--skip-git-repo-check",
            "-C", request.RepositoryPath,
            "-o", lastMessagePath,
        ];

        var model = string.IsNullOrWhiteSpace(request.Model) ? options.Model : request.Model;
        if (!string.IsNullOrWhiteSpace(model))
        {
            arguments.AddRange(["-m", model]);
        }

        var modelBaseUrl = request.ModelBaseUrl ?? (string.IsNullOrWhiteSpace(options.ModelBaseUrl) ? null : CodexModelProvider.ParseBaseUrl(options.ModelBaseUrl));
        arguments.AddRange(CodexModelProvider.Arguments(modelBaseUrl));
        foreach (var (key, value) in request.ExtraConfig.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            arguments.AddRange(["-c", $"{key}={value}"]);
        }

        arguments.Add("-"); // the prompt comes on stdin

        var environment = new Dictionary<string, string?>(options.Environment, StringComparer.Ordinal)
        {
            [ApiKeyVariable] = request.ApiKey,
            [HomeVariable] = codexHome,
        };

        return new ProcessSpec
        {
            FileName = command[0],
            Arguments = arguments,
            WorkingDirectory = request.RepositoryPath,
            Environment = environment,
            Stdin = StdinSource.FromText(request.Prompt),
            InterruptGrace = options.InterruptGrace,
        };
    }
}
