namespace AgentConductor.TestSupport.Jira;

/// <summary>One request the fake Jira received, as it arrived (path without the query; query without the '?').</summary>
public sealed record FakeJiraRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
