using System.Text.Json;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Turns the lines of <c>codex exec --json</c> into progress updates and keeps the run's tally: turns, token
/// usage, commands and the failure Codex reported. stderr and non-JSON lines become log lines. Changed files are not
/// counted here: a file a shell command changes produces no <c>file_change</c> item, so the worker asks git after the run.
/// </summary>
internal sealed class CodexEventTranslator(string jobId, string repositoryPath, TimeProvider timeProvider, ISecretMasker secretMasker)
{
    private readonly Dictionary<string, long> _itemStarts = new(StringComparer.Ordinal);
    private readonly List<string> _commands = [];
    private readonly string _repositoryRoot = Path.GetFullPath(repositoryPath);

    public TokenUsage Usage { get; } = new();

    public int Turns { get; private set; }

    private bool _turnFailed;

    /// <summary>
    /// Why the run failed by Codex's own account: the message of the last <c>turn.failed</c> or top-level <c>error</c>
    /// event, unless it was an <c>error</c> that a completed turn followed; null when there was none. Codex reports a
    /// stream it retries (<c>Reconnecting... 1/5</c>) as an <c>error</c> event too, and a turn that completes after it
    /// has recovered.
    /// </summary>
    public string? Failure { get; private set; }

    public IReadOnlyList<string> CommandsRun => _commands;

    /// <summary>The thread id of the run's <c>thread.started</c> (the session a follow-up resumes); null before it.</summary>
    public string? ThreadId { get; private set; }

    /// <summary>The last line Codex wrote to stderr (masked); why a run that never started a thread ended.</summary>
    public string? LastStandardError { get; private set; }

    public IReadOnlyList<ProgressUpdate> Translate(OutputLine line)
    {
        if (line.Stream == OutputStream.StandardError)
        {
            LastStandardError = line.Text.Length == 0 ? LastStandardError : secretMasker.Mask(line.Text);
            return [Log(LogStream.Stderr, line.Text)];
        }

        if (!line.Text.StartsWith('{'))
        {
            return [Log(LogStream.Stdout, line.Text)];
        }

        try
        {
            using var document = JsonDocument.Parse(line.Text);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && Text(root, "type") is { } type
                ? TranslateEvent(type, root, line.Text)
                : [Log(LogStream.Stdout, line.Text)];
        }
        catch (JsonException)
        {
            return [Log(LogStream.Stdout, line.Text)];
        }
    }

    private IReadOnlyList<ProgressUpdate> TranslateEvent(string type, JsonElement root, string raw)
    {
        switch (type)
        {
            case "thread.started":
                ThreadId = Text(root, "thread_id") is { } thread && Guid.TryParseExact(thread, "D", out _) ? thread : ThreadId;
                return [Log(LogStream.Stdout, $"codex thread {Text(root, "thread_id")} started")];
            case "turn.started":
                Turns++;
                return [Event(e => e.TurnStarted = new AgentTurnStarted { Turn = Turns })];
            case "turn.completed":
                var usage = ReadUsage(root);
                Usage.InputTokens += usage.InputTokens;
                Usage.CachedInputTokens += usage.CachedInputTokens;
                Usage.CacheWriteInputTokens += usage.CacheWriteInputTokens;
                Usage.OutputTokens += usage.OutputTokens;
                Usage.ReasoningOutputTokens += usage.ReasoningOutputTokens;
                Failure = _turnFailed ? Failure : null;
                return [Event(e => e.TurnCompleted = new AgentTurnCompleted { Turn = Turns, Usage = usage })];
            case "turn.failed":
                _turnFailed = true;
                Failure = (root.TryGetProperty("error", out var error) ? Text(error, "message") : null) ?? "turn failed";
                return [Log(LogStream.Stdout, $"codex turn failed: {Failure}")];
            case "error":
                Failure = Text(root, "message") ?? "error";
                return [Log(LogStream.Stdout, $"codex error: {Failure}")];
            case "item.started" when root.TryGetProperty("item", out var item):
                if (Text(item, "id") is { } id)
                {
                    _itemStarts[id] = timeProvider.GetTimestamp();
                }

                return Text(item, "type") == "command_execution" ? [Log(LogStream.Stdout, $"$ {Text(item, "command")}")] : [];
            case "item.updated":
                return [];
            case "item.completed" when root.TryGetProperty("item", out var item):
                return [TranslateItem(item)];
            default:
                return [Log(LogStream.Stdout, raw)];
        }
    }

    private ProgressUpdate TranslateItem(JsonElement item)
    {
        switch (Text(item, "type"))
        {
            case "command_execution":
                var command = secretMasker.Mask(Text(item, "command") ?? "");
                _commands.Add(command);
                var run = new CommandRun
                {
                    Command = command,
                    ExitCode = item.TryGetProperty("exit_code", out var code) && code.TryGetInt32(out var exitCode) ? exitCode : -1,
                };
                if (Text(item, "id") is { } id && _itemStarts.Remove(id, out var started))
                {
                    run.Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(timeProvider.GetElapsedTime(started));
                }

                return Event(e => e.CommandRun = run);
            case "file_change":
                var changes = item.TryGetProperty("changes", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(c => $"{Text(c, "kind") ?? "change"} {Relative(Text(c, "path") ?? "?")}")
                    : [];
                return Log(LogStream.Stdout, $"patched: {string.Join(", ", changes)}");
            case "agent_message":
                return Log(LogStream.Stdout, $"agent: {Text(item, "text")}");
            case "reasoning":
                return Log(LogStream.Stdout, $"reasoning: {Text(item, "text")}");
            case "error":
                return Log(LogStream.Stdout, $"agent error: {Text(item, "message")}");
            case "mcp_tool_call":
                return Log(LogStream.Stdout, $"tool {Text(item, "server")}.{Text(item, "tool")}: {Text(item, "status")}");
            case "web_search":
                return Log(LogStream.Stdout, $"web search: {Text(item, "query")}");
            case var other:
                return Log(LogStream.Stdout, $"{other ?? "item"} completed");
        }
    }

    private static TokenUsage ReadUsage(JsonElement root)
    {
        var usage = new TokenUsage();
        if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        {
            usage.InputTokens = Number(u, "input_tokens");
            usage.CachedInputTokens = Number(u, "cached_input_tokens");
            usage.CacheWriteInputTokens = Number(u, "cache_write_input_tokens");
            usage.OutputTokens = Number(u, "output_tokens");
            usage.ReasoningOutputTokens = Number(u, "reasoning_output_tokens");
        }

        return usage;
    }

    private string Relative(string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return path;
        }

        var relative = Path.GetRelativePath(_repositoryRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private ProgressUpdate Log(LogStream stream, string text) =>
        ProgressUpdates.Log(jobId, stream, secretMasker.Mask(text), timeProvider.GetUtcNow());

    private ProgressUpdate Event(Action<ProgressEvent> fill) => ProgressUpdates.Event(jobId, timeProvider.GetUtcNow(), fill);

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;
}
