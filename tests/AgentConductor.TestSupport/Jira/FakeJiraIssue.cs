namespace AgentConductor.TestSupport.Jira;

/// <summary>An issue in the fake Jira: its key, current status and comments (guarded by the server's lock).</summary>
public sealed class FakeJiraIssue(string key, string status)
{
    public string Key { get; } = key;

    public string Status { get; internal set; } = status;

    internal List<FakeJiraComment> CommentList { get; } = [];
}
