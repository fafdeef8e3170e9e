using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The one HTTP client of notifications: no redirects followed (a moved receiver must be reconfigured, not guessed at),
/// answers read up to 1 MiB, each request cut off after <c>Notify:RequestTimeout</c> on the conductor's clock. It has no
/// logging handler, so no header (a Jira credential) can reach a log.
/// </summary>
internal sealed class NotifyHttp : IDisposable
{
    public static readonly ProductInfoHeaderValue UserAgent = new("AgentConductor", typeof(NotifyHttp).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    public NotifyHttp(IOptions<NotifyOptions> options, TimeProvider time)
    {
        _time = time;
        _timeout = options.Value.RequestTimeout;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 1024 * 1024,
        };
    }

    /// <exception cref="NotifyRequestException">No answer: unreachable, refused, timed out, or an unreadable answer.</exception>
    public async Task<HttpAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.UserAgent.Add(UserAgent);
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            return new HttpAnswer((int)response.StatusCode, body, RetryAfter(response));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotifyRequestException($"no answer within {_timeout.TotalSeconds:0.###} s (Notify:RequestTimeout)", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new NotifyRequestException(Describe(ex), ex);
        }
    }

    public void Dispose() => _client.Dispose();

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date ? Max(date - _time.GetUtcNow(), TimeSpan.Zero) : null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Describe(HttpRequestException ex)
    {
        var cause = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.Message})" : "";
        return string.Create(CultureInfo.InvariantCulture, $"request failed: {ex.Message}{cause}");
    }
}
