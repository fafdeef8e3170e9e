using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>
/// The request and response bodies of the SQS JSON protocol (AmazonSQS, JSON 1.0). Property names are the wire names;
/// absent values are left out of requests, as the SDKs do.
/// </summary>
internal static class SqsWire
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public sealed record ReceiveMessageRequest(
        string QueueUrl,
        int MaxNumberOfMessages,
        int WaitTimeSeconds,
        int? VisibilityTimeout,
        IReadOnlyList<string> MessageSystemAttributeNames,
        IReadOnlyList<string> AttributeNames,
        IReadOnlyList<string> MessageAttributeNames);

    public sealed class ReceiveMessageResponse
    {
        public List<Message>? Messages { get; set; }
    }

    public sealed class Message
    {
        public string? MessageId { get; set; }

        public string? ReceiptHandle { get; set; }

        public string? Body { get; set; }

        public Dictionary<string, string>? Attributes { get; set; }

        public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }
    }

    public sealed record MessageAttributeValue(string DataType, string? StringValue, string? BinaryValue = null);

    public sealed record BatchRequest(string QueueUrl, IReadOnlyList<BatchEntry> Entries);

    public sealed record BatchEntry(string Id, string ReceiptHandle, int? VisibilityTimeout = null);

    public sealed class BatchResponse
    {
        public List<BatchSuccess>? Successful { get; set; }

        public List<BatchFailure>? Failed { get; set; }
    }

    public sealed class BatchSuccess
    {
        public string? Id { get; set; }
    }

    public sealed class BatchFailure
    {
        public string? Id { get; set; }

        public string? Code { get; set; }

        public string? Message { get; set; }

        public bool SenderFault { get; set; }
    }

    public sealed record SendMessageRequest(
        string QueueUrl,
        string MessageBody,
        IReadOnlyDictionary<string, MessageAttributeValue>? MessageAttributes,
        string? MessageGroupId,
        string? MessageDeduplicationId);

    public sealed class SendMessageResponse
    {
        public string? MessageId { get; set; }

        public string? SequenceNumber { get; set; }
    }

    public sealed record GetQueueUrlRequest(string QueueName, string? QueueOwnerAWSAccountId);

    public sealed class GetQueueUrlResponse
    {
        public string? QueueUrl { get; set; }
    }

    public sealed record GetQueueAttributesRequest(string QueueUrl, IReadOnlyList<string> AttributeNames);

    public sealed class GetQueueAttributesResponse
    {
        public Dictionary<string, string>? Attributes { get; set; }
    }
}
