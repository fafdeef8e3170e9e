namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>An installation of the fake's App on an owner: the repositories it covers and the permissions it was granted.</summary>
public sealed record FakeInstallation(long Id, string Owner, IReadOnlyList<string> Repositories, IReadOnlyDictionary<string, string> Permissions);
