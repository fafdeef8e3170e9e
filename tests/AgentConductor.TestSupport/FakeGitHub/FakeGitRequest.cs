namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>One git smart-HTTP request the fake received: the service, <c>owner/name</c>, the token it authenticated with, the status it got.</summary>
public sealed record FakeGitRequest(string Service, string Repository, string? Token, int Status);
