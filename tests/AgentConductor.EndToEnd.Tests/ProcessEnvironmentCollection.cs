namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// Test classes that set this process's environment for the local workers it launches (the local launcher hands its
/// allowlist on from there): they run one after the other, never beside each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
