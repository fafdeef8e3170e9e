using System.Net;
using AgentConductor.Conductor.Aws;

namespace AgentConductor.Conductor.Tests.Aws;

public sealed class AwsErrorResponseTests
{
    [Theory]
    [InlineData("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", HttpStatusCode.BadRequest, typeof(AwsThrottledException), "ThrottlingException", "Rate exceeded")]
    [InlineData("{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"no queue\"}", HttpStatusCode.BadRequest, typeof(AwsRequestException), "QueueDoesNotExist", "no queue")]
    [InlineData("{\"__type\":\"SerializationException:http://internal.amazon.com/\",\"Message\":\"bad\"}", HttpStatusCode.BadRequest, typeof(AwsRequestException), "SerializationException", "bad")]
    [InlineData("{\"__type\":\"UnrecognizedClientException\",\"message\":\"bad token\"}", HttpStatusCode.BadRequest, typeof(AwsAccessDeniedException), "UnrecognizedClientException", "bad token")]
    [InlineData("{\"__type\":\"ServerException\",\"message\":\"oops\"}", HttpStatusCode.InternalServerError, typeof(AwsServiceUnavailableException), "ServerException", "oops")]
    [InlineData("<html>gateway</html>", HttpStatusCode.BadGateway, typeof(AwsServiceUnavailableException), "Http502", "<html>gateway</html>")]
    [InlineData("", HttpStatusCode.TooManyRequests, typeof(AwsThrottledException), "TooManyRequests", "(no error message)")]
    public void Parse_MapsCodeAndStatusToTheTypedException(string body, HttpStatusCode status, Type expected, string code, string message)
    {
        var error = AwsErrorResponse.Parse("RunTask", status, null, "req-1", body);

        Assert.IsType(expected, error);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.AwsMessage);
        Assert.Contains("RunTask failed: " + code, error.Message, StringComparison.Ordinal);
        Assert.Contains("request req-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QueryErrorHeader_WinsOverTheJsonType()
    {
        var error = AwsErrorResponse.Parse(
            "ReceiveMessage", HttpStatusCode.BadRequest, "AWS.SimpleQueueService.NonExistentQueue;Sender", null, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}");

        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", error.Code);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Parse_KeepsTheBodyForFieldsBeyondCodeAndMessage()
    {
        const string Body = "{\"__type\":\"ConflictException\",\"message\":\"token in use\",\"resourceIds\":[\"arn:aws:ecs:us-east-1:1:task/c/a\"]}";

        var error = AwsErrorResponse.Parse("RunTask", HttpStatusCode.BadRequest, null, null, Body);

        Assert.IsType<AwsRequestException>(error);
        Assert.Equal(Body, error.Body);
    }
}
