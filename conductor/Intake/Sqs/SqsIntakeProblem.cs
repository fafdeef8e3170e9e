using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>A failed poll in words an operator can act on, and whether it is a configuration problem (retrying soon will not help).</summary>
internal sealed record SqsIntakeProblem(string Text, bool IsConfiguration)
{
    public static SqsIntakeProblem Describe(Exception ex, string queueUrl) => ex switch
    {
        AwsAccessDeniedException aws => new(
            $"SQS refused the conductor ({aws.Code}: {aws.AwsMessage}); check the credentials and that they allow sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility on {queueUrl}",
            true),
        AwsRequestException aws when IsMissingQueue(aws.Code) => new($"the queue {queueUrl} does not exist ({aws.Code}); check Sqs:QueueUrl and Aws:Region", true),
        AwsRequestException aws => new($"SQS rejected the request ({aws.Code}: {aws.AwsMessage}); check the Sqs settings", true),
        AwsCredentialsException credentials => new(credentials.Message, true),
        AwsException aws => new($"SQS keeps failing ({aws.Code}: {aws.AwsMessage})", false),
        HttpRequestException or IOException or TimeoutException or TaskCanceledException => new($"cannot reach SQS ({ex.Message})", false),
        SqliteException or StorageException => new($"the database failed ({ex.Message}); the batch stays in the queue", false),
        _ => new($"unexpected {ex.GetType().Name}: {ex.Message}; the batch stays in the queue", false),
    };

    private static bool IsMissingQueue(string code) =>
        code.Contains("NonExistentQueue", StringComparison.Ordinal) || code.Contains("QueueDoesNotExist", StringComparison.Ordinal);
}
