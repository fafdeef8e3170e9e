namespace AgentConductor.Conductor.Feed;

/// <summary>Where the Jira-to-SQS feed sends issues and which ones it passes on.</summary>
/// <param name="ServiceUrl">An SQS endpoint override (a VPC endpoint, a local emulator); null for the region's.</param>
/// <param name="Projects">Only issues of these Jira projects are sent (case-insensitive); empty: every project.</param>
/// <param name="Labels">Only issues carrying one of these labels are sent; empty: any issue. Deletions pass regardless.</param>
internal sealed record JiraFeedSettings(string QueueUrl, string? ServiceUrl, IReadOnlyList<string> Projects, IReadOnlyList<string> Labels)
{
    /// <summary>FIFO queues need a group id and take a deduplication id; their names end in <c>.fifo</c>.</summary>
    public bool IsFifo => QueueUrl.EndsWith(".fifo", StringComparison.Ordinal);
}
