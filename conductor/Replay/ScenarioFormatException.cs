namespace AgentConductor.Conductor.Replay;

/// <summary>A scenario file that cannot be replayed; <see cref="Problems"/> lists every problem found.</summary>
internal sealed class ScenarioFormatException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: invalid scenario:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems => problems;
}
