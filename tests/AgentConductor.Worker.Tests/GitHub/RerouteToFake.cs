using AgentConductor.TestSupport.FakeGitHub;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>
/// A transport that records the URI each request was made for (https://api.github.com/..., https://ghe.example/...)
/// and delivers it to the fake GitHub on 127.0.0.1 with the same path and query, so the fake checks that path.
/// </summary>
internal sealed class RerouteToFake(FakeGitHubServer server) : DelegatingHandler(new SocketsHttpHandler())
{
    public List<Uri> Requested { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requested = request.RequestUri!;
        lock (Requested)
        {
            Requested.Add(requested);
        }

        request.RequestUri = new UriBuilder(requested) { Scheme = server.BaseUrl.Scheme, Host = server.BaseUrl.Host, Port = server.BaseUrl.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
