using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace AgentConductor.Proto.Tests.Grpc;

/// <summary>Hand-made gRPC requests, for what the channel would never send.</summary>
internal static class RawGrpc
{
    public static byte[] Frame(IMessage message, byte compressedFlag = 0)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<RawResponse> PostAsync(
        HttpClient client, string path, byte[] body, string contentType = "application/grpc", IEnumerable<(string Name, string Value)>? headers = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.ParseAdd("trailers");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            (int)response.StatusCode,
            ToDictionary(response.Headers, response.Content.Headers),
            ToDictionary(response.TrailingHeaders),
            responseBody);
    }

    private static Dictionary<string, string> ToDictionary(params HttpHeaders[] headers)
        => headers.SelectMany(h => h).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
}
