using System.Globalization;

namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>A received message. <see cref="Attributes"/> holds the string message attributes that were asked for.</summary>
internal sealed record SqsMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, IReadOnlyDictionary<string, string> Attributes)
{
    public const string ReceiveCountAttribute = "ApproximateReceiveCount";

    public static int ParseReceiveCount(IReadOnlyDictionary<string, string>? systemAttributes) =>
        systemAttributes is not null
        && systemAttributes.TryGetValue(ReceiveCountAttribute, out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;
}
