using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AgentConductor.Conductor.Cli;

/// <summary>The CLI's client of a running conductor's API; every failure becomes a <see cref="ConductorApiException"/> that says what to do.</summary>
internal sealed class ConductorApi : IDisposable
{
    private readonly HttpClient _http;

    public ConductorApi(Uri address, string? apiKey)
    {
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public Uri Address { get; }

    /// <summary>The body of a successful GET, as text (the API's JSON).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, timeout.Token);
            return await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConductorApiException($"the conductor at {Address} did not answer {path} within 30 seconds");
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var text = await GetTextAsync(path, cancellationToken);
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException ex)
        {
            throw new ConductorApiException($"{Address} answered {path} with something that is not JSON ({ex.Message}); is it a conductor?");
        }
    }

    /// <summary>The server-sent events of a streaming GET, until the server ends the stream.</summary>
    public async IAsyncEnumerable<SseItem<string>> StreamAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            yield return item;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ConductorApiException($"cannot reach the conductor at {Address}: {ex.Message} (is it running? --url names another one)");
        }
        finally
        {
            request.Dispose();
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw response.StatusCode == HttpStatusCode.Unauthorized
                ? new ConductorApiException($"the conductor at {Address} requires its API key: pass --api-key or set CONDUCTOR_API_KEY")
                : new ConductorApiException($"{(int)response.StatusCode} {await ErrorOf(response, cancellationToken)}");
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not the API's error shape: show what came.
        }

        return body.Length > 300 ? body[..300] : body;
    }
}

/// <summary>The conductor could not be reached, refused the request, or answered something unusable; the message says which.</summary>
internal sealed class ConductorApiException(string message) : Exception(message);
