namespace AgentConductor.Common;

/// <summary>
/// One attempt of a GitHub REST call, as both GitHub handlers make it (this file is compiled into the conductor and the
/// worker): a fresh copy of the request with the API version header, its answer read whole, within a timeout on the
/// injected clock. An attempt that runs out of time fails with <see cref="TimeoutException"/>, which the handlers retry;
/// the caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal static class GitHubAttempt
{
    public const string ApiVersionHeader = "X-GitHub-Api-Version";
    public const string ApiVersion = "2022-11-28";

    /// <param name="send">The handler's inner send (<c>base.SendAsync</c>).</param>
    /// <param name="body">The request's content read once, sent again by every attempt; null without content.</param>
    public static async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, HttpRequestMessage request, byte[]? body, string operation,
        TimeSpan attemptTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(attemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var copy = Copy(request, body);
        HttpResponseMessage? response = null;
        try
        {
            response = await send(copy, linked.Token);
            await response.Content.LoadIntoBufferAsync(linked.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw new TimeoutException($"GitHub {operation} gave no answer within {attemptTimeout}.", ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        copy.Headers.Remove(ApiVersionHeader);
        copy.Headers.Add(ApiVersionHeader, ApiVersion);
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content!.Headers.Where(h => !string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                copy.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return copy;
    }
}
