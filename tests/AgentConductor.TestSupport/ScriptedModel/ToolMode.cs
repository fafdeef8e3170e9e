namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>How a request offers its tools to the model.</summary>
public enum ToolMode
{
    /// <summary>No tool the script could call.</summary>
    None,

    /// <summary>
    /// Codex's default model: an <c>additional_tools</c> input item offers a custom tool <c>exec</c> that runs
    /// JavaScript calling the nested tools (<c>tools.exec_command</c>, <c>tools.apply_patch</c>).
    /// </summary>
    CodeMode,

    /// <summary>A model Codex does not know: classic function tools (<c>exec_command</c>, ...) in <c>tools</c>.</summary>
    FunctionTools,
}
