using System.Text.Json;

namespace AgentConductor.TestSupport.Webhooks;

/// <summary>A delivery whose signature, timestamp and headers checked out, with the status the receiver answered.</summary>
public sealed record ReceivedWebhook(string EventId, string Type, int Attempt, long Timestamp, string Body, int AnsweredStatus)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
