namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// A task definition the fake ECS knows: family, revision and container names (the first is the default), and the task
/// size its tasks report (CPU units and MiB, as ECS's strings; Fargate's 1 vCPU and 2 GiB unless said).
/// </summary>
public sealed record FakeEcsTaskDefinition(string Family, int Revision, IReadOnlyList<string> Containers, string? Cpu = "1024", string? Memory = "2048");
