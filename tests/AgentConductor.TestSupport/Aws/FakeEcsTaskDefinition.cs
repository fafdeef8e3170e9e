namespace AgentConductor.TestSupport.Aws;

/// <summary>A task definition the fake ECS knows: family, revision and container names (the first is the default).</summary>
public sealed record FakeEcsTaskDefinition(string Family, int Revision, IReadOnlyList<string> Containers);
