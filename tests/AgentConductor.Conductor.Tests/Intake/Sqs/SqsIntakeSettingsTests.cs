using System.Net;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Intake.Sqs;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

public sealed class SqsIntakeSettingsTests
{
    private const string Queue = "https://sqs.eu-west-1.amazonaws.com/111122223333/agent-conductor-intake";

    [Fact]
    public void Validate_Defaults_WithAQueueUrl_Pass() =>
        Assert.True(new SqsIntakeOptionsValidator().Validate(null, new SqsIntakeOptions { QueueUrl = Queue }).Succeeded);

    [Theory]
    [InlineData(nameof(SqsIntakeOptions.Pollers), "Sqs:Pollers")]
    [InlineData(nameof(SqsIntakeOptions.VisibilityTimeout), "Sqs:VisibilityTimeout")]
    [InlineData(nameof(SqsIntakeOptions.ServiceUrl), "Sqs:ServiceUrl")]
    [InlineData(nameof(SqsIntakeOptions.BusyRetryDelay), "Sqs:BusyRetryDelay")]
    [InlineData(nameof(SqsIntakeOptions.MaxErrorBackoff), "Sqs:MaxErrorBackoff")]
    public void Validate_BadValue_NamesTheSetting(string property, string expected)
    {
        var options = new SqsIntakeOptions { QueueUrl = Queue };
        switch (property)
        {
            case nameof(SqsIntakeOptions.Pollers): options.Pollers = 0; break;
            case nameof(SqsIntakeOptions.VisibilityTimeout): options.VisibilityTimeout = TimeSpan.FromMilliseconds(1500); break;
            case nameof(SqsIntakeOptions.ServiceUrl): options.ServiceUrl = "localhost:9324"; break;
            case nameof(SqsIntakeOptions.BusyRetryDelay): options.BusyRetryDelay = TimeSpan.FromSeconds(-1); break;
            case nameof(SqsIntakeOptions.MaxErrorBackoff): options.MaxErrorBackoff = TimeSpan.Zero; break;
        }

        var result = new SqsIntakeOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Describe_AccessDenied_IsAConfigurationProblemNamingTheActions()
    {
        var problem = SqsIntakeProblem.Describe(
            new AwsAccessDeniedException("ReceiveMessage", "AccessDenied", "not authorized to perform sqs:ReceiveMessage", HttpStatusCode.Forbidden, "r1"), Queue);

        Assert.True(problem.IsConfiguration);
        Assert.Contains("sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility", problem.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ThrottlingAndBrokenConnectionsAndTheDatabase_AreTransient()
    {
        Assert.False(SqsIntakeProblem.Describe(new AwsThrottledException("ReceiveMessage", "ThrottlingException", "slow down", HttpStatusCode.BadRequest, null), Queue).IsConfiguration);
        Assert.False(SqsIntakeProblem.Describe(new HttpRequestException("connection refused"), Queue).IsConfiguration);
        Assert.False(SqsIntakeProblem.Describe(new SqliteException("disk I/O error", 10), Queue).IsConfiguration);
    }
}
