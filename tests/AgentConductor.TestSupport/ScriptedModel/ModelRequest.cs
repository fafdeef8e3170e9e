namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>One request the scripted model received and how it answered.</summary>
/// <param name="Index">0 for the first request the server saw.</param>
/// <param name="Authorization">The <c>Authorization</c> header as sent (null when absent).</param>
/// <param name="CredentialAccepted">The request carried <c>Bearer &lt;the server's credential&gt;</c>.</param>
/// <param name="Model">The <c>model</c> the request named.</param>
/// <param name="Mode">How the request offered its tools.</param>
/// <param name="UserText">Every <c>input_text</c> of the request's user messages, joined: the prompt is in it.</param>
/// <param name="ToolOutputs">The outputs of earlier tool calls the request returned to the model, by call id.</param>
/// <param name="Answer">What the server answered: the step it played, or why it refused.</param>
/// <param name="Status">The HTTP status of the answer.</param>
/// <param name="AssistantText">Every text of the assistant messages the request carried back to the model (an earlier turn's, or a resumed session's), joined.</param>
public sealed record ModelRequest(
    int Index,
    string Method,
    string Path,
    string? Authorization,
    bool CredentialAccepted,
    string? Model,
    ToolMode Mode,
    string UserText,
    IReadOnlyDictionary<string, string> ToolOutputs,
    string Answer,
    int Status,
    string AssistantText = "");
