namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>One answer of the scripted model: each request the agent sends takes the next step of the script.</summary>
public sealed record ModelStep
{
    public required ModelStepKind Kind { get; init; }

    /// <summary>The command (<see cref="ModelStepKind.Shell"/>), the patch, the message, or the error message.</summary>
    public string Text { get; init; } = "";

    /// <summary>The HTTP status of <see cref="ModelStepKind.HttpError"/>.</summary>
    public int Status { get; init; }

    /// <summary>What <c>response.completed</c> reports (tool calls and messages).</summary>
    public ModelUsage Usage { get; init; } = ModelUsage.Default;

    /// <summary>The message repeats the credential the request carried (to prove the worker masks it).</summary>
    public bool EchoCredential { get; init; }

    public static ModelStep Shell(string command) => new() { Kind = ModelStepKind.Shell, Text = command };

    public static ModelStep Patch(string patch) => new() { Kind = ModelStepKind.Patch, Text = patch };

    /// <summary>A patch that adds <paramref name="path"/> (relative to the workspace) with <paramref name="content"/>.</summary>
    public static ModelStep AddFile(string path, string content) => Patch(
        $"*** Begin Patch\n*** Add File: {path}\n{string.Concat(content.TrimEnd('\n').Split('\n').Select(line => "+" + line + "\n"))}*** End Patch\n");

    public static ModelStep Message(string text) => new() { Kind = ModelStepKind.Message, Text = text };

    public static ModelStep MessageEchoingCredential(string text) => new() { Kind = ModelStepKind.Message, Text = text, EchoCredential = true };

    public static ModelStep HttpError(int status, string message) => new() { Kind = ModelStepKind.HttpError, Status = status, Text = message };

    /// <summary>What the OpenAI API answers a request whose key it does not accept.</summary>
    public static ModelStep Unauthorized() => HttpError(401, "Incorrect API key provided.");

    public static ModelStep ResponseFailed(string message) => new() { Kind = ModelStepKind.ResponseFailed, Text = message };

    public static ModelStep HangMidStream() => new() { Kind = ModelStepKind.HangMidStream };

    /// <summary><paramref name="step"/>, <paramref name="count"/> times (e.g. five 503s before the model recovers).</summary>
    public static ModelStep[] Times(int count, ModelStep step) => [.. Enumerable.Repeat(step, count)];

    public override string ToString() => Kind switch
    {
        ModelStepKind.HttpError => $"HTTP {Status}",
        ModelStepKind.HangMidStream or ModelStepKind.ResponseFailed => Kind.ToString(),
        _ => $"{Kind}: {Text.Split('\n')[0]}",
    };
}
