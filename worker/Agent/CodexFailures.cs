namespace AgentConductor.Worker.Agent;

/// <summary>
/// Says what a failure Codex reported means for the operator when its own words do not: a model API that refuses the
/// credential, or a credential the worker never had, is a setting to fix, not an agent that went wrong.
/// </summary>
internal static class CodexFailures
{
    public static string Explain(string reported)
    {
        if (reported.Contains("401 Unauthorized", StringComparison.Ordinal))
        {
            return $"the model API refused the agent's credential (401): check the {CodexCommand.ApiKeyVariable} the worker was given; Codex said: {reported}";
        }

        if (reported.Contains($"Missing environment variable: `{CodexCommand.ApiKeyVariable}`", StringComparison.Ordinal))
        {
            return $"the worker has no {CodexCommand.ApiKeyVariable} to give the agent; Codex said: {reported}";
        }

        return reported;
    }
}
