namespace AgentConductor.Conductor.Hosting;

/// <summary>Configuration that cannot work; the message lists every problem, each naming its setting.</summary>
internal sealed class ConfigurationInvalidException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems => problems;
}
