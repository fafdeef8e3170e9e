namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// Scripts by name, for <c>tests/AgentConductor.ScriptedModel</c> (which <c>scripts/run-local.sh</c> starts) and for
/// <c>tests/tools/record-codex-transcripts.sh</c>, which records the real CLI playing each of them.
/// </summary>
public static class ModelScripts
{
    /// <summary>The local run's default: look around, add a page with a patch, say what was done. Repeats for every job.</summary>
    public static ModelScript Demo { get; } = ModelScript.Repeating(
        ModelStep.Shell("ls -a"),
        ModelStep.AddFile("docs/health-check.md", "# Health check\n\nThe agent added this page: `GET /healthz` answers 200 when the app is up."),
        ModelStep.Message("Added docs/health-check.md describing the health check endpoint."));

    /// <summary>A shell command that changes a file, a patch, a final message: three responses, one turn.</summary>
    public static ModelScript ShellPatchMessage { get; } = ModelScript.Of(
        ModelStep.Shell("echo 'changed by a shell command' | tee shell.txt"),
        ModelStep.AddFile("patched.txt", "added by a patch"),
        ModelStep.Message("Changed shell.txt and added patched.txt."));

    /// <summary>Five 503s (Codex retries four times quietly, then reports <c>Reconnecting... 1/5</c>), then a message.</summary>
    public static ModelScript Recover5xx { get; } = ModelScript.Of(
        [.. ModelStep.Times(5, ModelStep.HttpError(503, "The server is overloaded.")), ModelStep.Message("Done after the model recovered.")]);

    /// <summary>401 to every request (Codex's five reconnects included).</summary>
    public static ModelScript Unauthorized { get; } = ModelScript.Repeating(ModelStep.Unauthorized());

    /// <summary><c>response.failed</c> to every request (Codex's five reconnects included).</summary>
    public static ModelScript ResponseFailed { get; } = ModelScript.Repeating(ModelStep.ResponseFailed("The model failed to answer."));

    /// <summary>Adds a file, then fails: the partial work must still be pushed.</summary>
    public static ModelScript EditThenFail { get; } = ModelScript.Of(
        [ModelStep.AddFile("half-done.txt", "partial work"), .. ModelStep.Times(6, ModelStep.ResponseFailed("The model failed to answer."))]);

    /// <summary>Adds a file, then hangs in the middle of the next stream.</summary>
    public static ModelScript EditThenHang { get; } = ModelScript.Of(ModelStep.AddFile("half-done.txt", "partial work"), ModelStep.HangMidStream());

    public static IReadOnlyDictionary<string, ModelScript> ByName { get; } = new Dictionary<string, ModelScript>(StringComparer.Ordinal)
    {
        ["demo"] = Demo,
        ["shell-patch-message"] = ShellPatchMessage,
        ["recover-5xx"] = Recover5xx,
        ["unauthorized"] = Unauthorized,
        ["response-failed"] = ResponseFailed,
        ["edit-then-fail"] = EditThenFail,
        ["edit-then-hang"] = EditThenHang,
    };
}
