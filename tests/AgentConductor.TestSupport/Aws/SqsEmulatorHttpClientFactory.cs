using System.Net;
using Amazon.Runtime;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// HttpClients for AWSSDK.SQS talking to local-aws-sqs. The emulator answers a receive that found nothing (and a
/// GetQueueAttributes that found none of the names) with 200 and an empty body where SQS sends <c>{}</c>, and the SDK
/// cannot read an empty body (it retries, then throws <c>AmazonUnmarshallingException</c>): an empty successful JSON
/// answer is handed to the SDK as <c>{}</c>. Everything else passes untouched. Registered in a conductor's container
/// as its <see cref="HttpClientFactory"/>, so the production client is the one under test.
/// </summary>
public sealed class SqsEmulatorHttpClientFactory : HttpClientFactory
{
    public static SqsEmulatorHttpClientFactory Instance { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = clientConfig.AllowAutoRedirect,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(new EmptyJsonAsEmptyObject { InnerHandler = sockets });
        if (clientConfig.Timeout is { } timeout)
        {
            client.Timeout = timeout;
        }

        return client;
    }

    private sealed class EmptyJsonAsEmptyObject : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var contentType = response.Content.Headers.ContentType;
            if (!response.IsSuccessStatusCode || contentType?.MediaType?.StartsWith("application/x-amz-json", StringComparison.Ordinal) != true)
            {
                return response;
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var content = new ByteArrayContent(body.Length == 0 ? "{}"u8.ToArray() : body);
            content.Headers.ContentType = contentType;
            response.Content.Dispose();
            response.Content = content;
            return response;
        }
    }
}
