using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.Sqs;

namespace AgentConductor.Conductor.Feed;

/// <summary>
/// Sends a Jira body verbatim to the intake queue with its idempotency key in the <c>IdempotencyKey</c> message
/// attribute (the conductor stores one event per key, so a webhook Jira retries or the feed re-sends spawns nothing).
/// On a FIFO queue the issue key is the message group (an issue's events stay in order) and the deduplication id is
/// a hash of the idempotency key (SQS drops a repeat within five minutes).
/// </summary>
internal sealed class JiraFeedPublisher(ISqsClient sqs, JiraFeedSettings settings)
{
    public const string IssueKeyAttribute = "JiraIssueKey";

    public Task<string> SendAsync(string body, TicketMessage ticket, string idempotencyKey, CancellationToken cancellationToken)
    {
        var attributes = new Dictionary<string, string>
        {
            [SqsMessageKey.AttributeName] = idempotencyKey,
            [IssueKeyAttribute] = ticket.Key,
        };
        var message = settings.IsFifo
            ? new SqsOutgoingMessage(body, attributes, GroupId: ticket.Key, DeduplicationId: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey))))
            : new SqsOutgoingMessage(body, attributes);
        return sqs.SendAsync(settings.QueueUrl, message, cancellationToken);
    }

    /// <summary>
    /// Jira's delivery id (<c>X-Atlassian-Webhook-Identifier</c>, the same on every retry) when there is one, else the key the
    /// conductor's local inbox would give the same body (its SHA-256), so one body is one event whichever way it arrives.
    /// </summary>
    public static string IdempotencyKey(string? webhookIdentifier, string body) =>
        !string.IsNullOrWhiteSpace(webhookIdentifier) && webhookIdentifier.Length <= SqsMessageKey.MaxLength - 13
            ? "jira-webhook:" + webhookIdentifier.Trim()
            : Api.MessageIdentity.For(Encoding.UTF8.GetBytes(body));
}
