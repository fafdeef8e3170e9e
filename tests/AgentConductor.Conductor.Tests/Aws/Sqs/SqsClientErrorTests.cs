using System.Net;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Sqs;

/// <summary>
/// The production SQS client (AWSSDK.SQS, built from the <c>Aws</c> settings) against a strict fake SQS endpoint that
/// checks every signature: the errors local-aws-sqs cannot produce (throttling, 5xx, access denied, a hung endpoint),
/// and the settings that shape each request.
/// </summary>
public sealed class SqsClientErrorTests : IAsyncDisposable
{
    private const string QueuePath = "123456789012/intake";
    private static readonly SqsReceiveOptions Receive = new(10, TimeSpan.FromSeconds(1), null, ["IdempotencyKey"]);

    private readonly Queue<FakeAwsResponse> _script = new();
    private readonly List<SqsClient> _clients = [];
    private FakeAwsJsonServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Receive_ThrottledOnEveryAttempt_TriesAwsMaxAttemptsTimesThenThrowsThrottled()
    {
        var client = await StartAsync(settings: new AwsOptions { MaxAttempts = 4 });
        Script(6, FakeAwsResponse.Error("ThrottlingException", "Rate exceeded"));

        var error = await Assert.ThrowsAsync<AwsThrottledException>(() => client.ReceiveAsync(QueueAddress, Receive, Ct));

        Assert.Equal(4, _server!.Requests.Count);
        Assert.Equal(("ReceiveMessage", "ThrottlingException"), (error.Operation, error.Code));
        Assert.True(error.IsTransient);
        Assert.Empty(_server.Failures);
    }

    [Fact]
    public async Task Receive_OneTry_IsNotRetried()
    {
        var client = await StartAsync(settings: new AwsOptions { MaxAttempts = 1 });
        Script(2, FakeAwsResponse.Error("InternalError", "internal", HttpStatusCode.InternalServerError));

        var error = await Assert.ThrowsAsync<AwsServiceUnavailableException>(() => client.ReceiveAsync(QueueAddress, Receive, Ct));

        Assert.Single(_server!.Requests);
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
    }

    [Fact]
    public async Task Receive_ThrottledAndServerErrorThenOk_RetriesAndReturnsTheMessages()
    {
        var client = await StartAsync();
        _script.Enqueue(FakeAwsResponse.Error("ThrottlingException", "Rate exceeded"));
        _script.Enqueue(FakeAwsResponse.Error("InternalError", "internal", HttpStatusCode.InternalServerError));
        _script.Enqueue(FakeAwsResponse.Ok(new
        {
            Messages = new[] { new { MessageId = "m-1", ReceiptHandle = "rh-1", Body = "{}", MD5OfBody = "99914b932bd37a50b983c5e7c90ae93b" } },
        }));

        var messages = await client.ReceiveAsync(QueueAddress, Receive, Ct);

        Assert.Equal(("m-1", "rh-1", "{}"), (Assert.Single(messages).MessageId, messages[0].ReceiptHandle, messages[0].Body));
        Assert.Equal(3, _server!.Requests.Count);
        var request = _server.Requests.First().Body;
        Assert.Equal(QueueAddress, request.GetProperty("QueueUrl").GetString());
        Assert.Equal((10, 1), (request.GetProperty("MaxNumberOfMessages").GetInt32(), request.GetProperty("WaitTimeSeconds").GetInt32()));
    }

    [Fact]
    public async Task Receive_AccessDenied_IsAccessDeniedAtOnce()
    {
        var client = await StartAsync();
        _script.Enqueue(FakeAwsResponse.Error("com.amazon.coral.service#AccessDeniedException", "not authorized to perform: sqs:receivemessage") with
        {
            Headers = new Dictionary<string, string> { ["x-amzn-query-error"] = "AccessDenied;Sender" },
        });

        var error = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => client.ReceiveAsync(QueueAddress, Receive, Ct));

        Assert.Single(_server!.Requests);
        Assert.Contains("not authorized", error.AwsMessage, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Receive_WrongSecret_IsAccessDeniedAtOnce()
    {
        var client = await StartAsync(credentials: new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, "not-the-secret"));

        var error = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => client.ReceiveAsync(QueueAddress, Receive, Ct));

        Assert.Equal("InvalidSignatureException", error.Code);
        Assert.Contains("does not match", Assert.Single(_server!.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_AwsRegion_SignsForThatRegionAtTheServiceUrl()
    {
        var client = await StartAsync(serverRegion: "eu-west-1", settings: new AwsOptions { Region = "eu-west-1" });
        _script.Enqueue(FakeAwsResponse.Ok(new { MessageId = "sent-1" }));

        var messageId = await client.SendAsync(QueueAddress, new SqsOutgoingMessage("{}", new Dictionary<string, string> { ["IdempotencyKey"] = "k-1" }), Ct);

        Assert.Equal("sent-1", messageId);
        Assert.Empty(_server!.Failures);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("SendMessage", request.Operation);
        Assert.Equal("k-1", request.Body.GetProperty("MessageAttributes").GetProperty("IdempotencyKey").GetProperty("StringValue").GetString());
    }

    [Fact]
    public async Task Receive_EndpointSlowerThanAwsRequestTimeout_TimesOut()
    {
        var client = await StartAsync(settings: new AwsOptions { MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(1) });
        _script.Enqueue(FakeAwsResponse.Ok(new { }) with { Delay = TimeSpan.FromSeconds(30) });

        await Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveAsync(QueueAddress, Receive, Ct));
    }

    [Fact]
    public async Task DeleteBatch_SomeEntriesFail_ReportsEachByMessageId()
    {
        var client = await StartAsync();
        _script.Enqueue(FakeAwsResponse.Ok(new
        {
            Successful = new[] { new { Id = "m1" } },
            Failed = new[] { new { Id = "m0", Code = "ReceiptHandleIsInvalid", Message = "expired", SenderFault = true } },
        }));
        SqsMessage[] messages = [new("a", "rh-a", "{}", new Dictionary<string, string>()), new("b", "rh-b", "{}", new Dictionary<string, string>())];

        var result = await client.DeleteBatchAsync(QueueAddress, messages, Ct);

        Assert.Equal(["b"], result.Succeeded);
        Assert.Equal(new SqsBatchFailure("a", "ReceiptHandleIsInvalid", "expired", true), Assert.Single(result.Failed));
        var entries = Assert.Single(_server!.Requests).Body.GetProperty("Entries");
        Assert.Equal(["rh-a", "rh-b"], entries.EnumerateArray().Select(e => e.GetProperty("ReceiptHandle").GetString()));
    }

    private string QueueAddress => _server!.Url + QueuePath;

    private void Script(int count, FakeAwsResponse response)
    {
        for (var i = 0; i < count; i++)
        {
            _script.Enqueue(response);
        }
    }

    private async Task<SqsClient> StartAsync(string serverRegion = "us-east-1", AwsOptions? settings = null, IAwsCredentials? credentials = null)
    {
        _server = await FakeAwsJsonServer.StartAsync(
            "sqs", "AmazonSQS", "1.0",
            _ => _script.TryDequeue(out var next) ? next : FakeAwsResponse.Error("UnexpectedRequest", "the test scripted no answer"),
            region: serverRegion,
            cancellationToken: Ct);
        settings ??= new AwsOptions();
        settings.Region ??= "us-east-1";
        var client = SqsClient.Create(settings, credentials ?? new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey), _server.Url.ToString());
        _clients.Add(client);
        return client;
    }
}
