using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.Aws;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws;

/// <summary>The signed JSON client against a strict fake endpoint that recomputes every signature independently.</summary>
public sealed class AwsJsonClientTests : IAsyncDisposable
{
    private static readonly AwsService Service = new("ecs", "AmazonEC2ContainerServiceV20141113", "1.1");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly AwsRetryPolicy FastRetry = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));

    private readonly Queue<FakeAwsResponse> _script = new();
    private readonly ListLogger<AwsJsonClient> _log = new();
    private readonly HttpClient _http = new();
    private FakeAwsJsonServer? _server;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Send_SignedRequest_ReachesTheOperationWithItsBodyAndParsesTheAnswer()
    {
        _script.Enqueue(FakeAwsResponse.Ok(new { taskArn = "arn:aws:ecs:us-east-1:1:task/c/abc", count = 2 }));
        var client = await StartAsync();

        var answer = await client.SendAsync<EchoRequest, EchoResponse>("DescribeTasks", new EchoRequest("prod", ["a", "b"]), Json, TestContext.Current.CancellationToken);

        Assert.Equal(new EchoResponse { TaskArn = "arn:aws:ecs:us-east-1:1:task/c/abc", Count = 2 }, answer);
        Assert.Empty(_server!.Failures);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("DescribeTasks", request.Operation);
        Assert.Equal("prod", request.Body.GetProperty("cluster").GetString());
        Assert.Equal(2, request.Body.GetProperty("tasks").GetArrayLength());
    }

    [Fact]
    public async Task Send_SessionCredentials_SignsAndSendsTheToken()
    {
        _script.Enqueue(FakeAwsResponse.Ok(new { }));
        var client = await StartAsync(new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey, "session-token-1"));

        await client.SendAsync<EchoRequest, EchoResponse>("ListTasks", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken);

        Assert.Empty(_server!.Failures);
        Assert.Equal("session-token-1", Assert.Single(_server.Requests).SecurityToken);
    }

    [Fact]
    public async Task Send_WrongSecret_IsAccessDeniedAndNotRetried()
    {
        var client = await StartAsync(new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, "not-the-secret"));

        var error = await Assert.ThrowsAsync<AwsAccessDeniedException>(() =>
            client.SendAsync<EchoRequest, EchoResponse>("RunTask", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken));

        Assert.Equal("InvalidSignatureException", error.Code);
        Assert.Contains("does not match", Assert.Single(_server!.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ThrottledThenOk_RetriesAndSucceeds()
    {
        _script.Enqueue(FakeAwsResponse.Error("ThrottlingException", "Rate exceeded"));
        _script.Enqueue(FakeAwsResponse.Error("ServerException", "internal", HttpStatusCode.InternalServerError));
        _script.Enqueue(FakeAwsResponse.Ok(new { count = 7 }));
        var client = await StartAsync();

        var answer = await client.SendAsync<EchoRequest, EchoResponse>("RunTask", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken);

        Assert.Equal(7, answer.Count);
        Assert.Equal(3, _server!.Requests.Count);
        Assert.Equal(2, _log.Entries.Count(e => e.Message.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Send_ThrottledOnEveryAttempt_ThrowsTheLastErrorAfterMaxAttempts()
    {
        for (var i = 0; i < 5; i++)
        {
            _script.Enqueue(FakeAwsResponse.Error("ThrottlingException", "Rate exceeded"));
        }

        var client = await StartAsync();

        var error = await Assert.ThrowsAsync<AwsThrottledException>(() =>
            client.SendAsync<EchoRequest, EchoResponse>("RunTask", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken));

        Assert.True(error.IsTransient);
        Assert.Equal(FastRetry.MaxAttempts, _server!.Requests.Count);
    }

    [Fact]
    public async Task Send_InvalidParameter_ThrowsAtOnceWithAwsMessage()
    {
        _script.Enqueue(FakeAwsResponse.Error("InvalidParameterException", "Task definition does not exist."));
        var client = await StartAsync();

        var error = await Assert.ThrowsAsync<AwsRequestException>(() =>
            client.SendAsync<EchoRequest, EchoResponse>("RunTask", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken));

        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Contains("Task definition does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Single(_server!.Requests);
    }

    [Fact]
    public async Task Send_NothingListening_RetriesThenThrowsTheTransportError()
    {
        var port = FreePort.Next();
        var endpoint = AwsEndpoint.Resolve(Service, "us-east-1", $"http://127.0.0.1:{port}/");
        var client = new AwsJsonClient(_http, endpoint, Credentials(), FastRetry, TimeProvider.System, _log);

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            client.SendAsync<EchoRequest, EchoResponse>("RunTask", new EchoRequest("c", []), Json, TestContext.Current.CancellationToken));

        Assert.Equal(FastRetry.MaxAttempts - 1, _log.Entries.Count(e => e.Message.Contains("retrying", StringComparison.Ordinal)));
    }

    private static StaticAwsCredentials Credentials() => new(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey);


    private async Task<AwsJsonClient> StartAsync(IAwsCredentials? credentials = null)
    {
        _server = await FakeAwsJsonServer.StartAsync(
            Service.SigningName, Service.TargetPrefix, Service.JsonVersion,
            _ => _script.TryDequeue(out var next) ? next : FakeAwsResponse.Error("UnexpectedRequest", "the test scripted no answer"),
            cancellationToken: TestContext.Current.CancellationToken);
        var endpoint = AwsEndpoint.Resolve(Service, "us-east-1", _server.Url.ToString());
        return new AwsJsonClient(_http, endpoint, credentials ?? Credentials(), FastRetry, TimeProvider.System, _log);
    }

    private sealed record EchoRequest(string Cluster, string[] Tasks);

    private sealed record EchoResponse
    {
        public string? TaskArn { get; init; }

        public int Count { get; init; }
    }
}
