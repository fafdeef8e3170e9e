namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// An authentic GitHub delivery (its signature checked): the event, what it is about and who sent it. Only the fields the
/// follow-up rules read are taken; the stored body keeps the rest. Every text field is untrusted.
/// </summary>
/// <param name="Repository">The repository's <c>owner/name</c>.</param>
/// <param name="EventTime">When GitHub says it happened (the review's, comment's or check suite's time).</param>
internal sealed record GitHubDelivery(
    string DeliveryId,
    string Event,
    string? Action,
    string? Repository,
    GitHubActor? Sender,
    DateTimeOffset? EventTime) : ParsedMessage
{
    public GitHubPullRequest? PullRequest { get; init; }

    /// <summary>The review, comment or check suite the delivery is about.</summary>
    public GitHubComment? Comment { get; init; }

    public string Describe() => Action is null ? Event : $"{Event}.{Action}";
}
