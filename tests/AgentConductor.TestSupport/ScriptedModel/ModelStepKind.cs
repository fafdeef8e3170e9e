namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>What the scripted model answers to one request.</summary>
public enum ModelStepKind
{
    /// <summary>Calls the shell tool the request offers (code mode: <c>tools.exec_command</c> inside <c>exec</c>).</summary>
    Shell,

    /// <summary>Applies a patch through the tool the request offers (code mode: <c>tools.apply_patch</c>).</summary>
    Patch,

    /// <summary>Finishes the turn with an assistant message.</summary>
    Message,

    /// <summary>Answers an HTTP error status with an OpenAI-style error body (5xx, 401, 429 ...).</summary>
    HttpError,

    /// <summary>Starts a stream, then sends <c>response.failed</c>.</summary>
    ResponseFailed,

    /// <summary>Starts a stream, sends part of a message, then sends nothing more until the client goes away.</summary>
    HangMidStream,
}
