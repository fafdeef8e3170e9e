using System.Globalization;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Google.Protobuf;
using Microsoft.AspNetCore.Routing;

namespace AgentConductor.Proto.Tests.Grpc;

/// <summary>
/// The standard test service. Echo's text selects a behaviour: <c>status:&lt;code&gt;:&lt;message&gt;</c>
/// fails with that status, <c>wait</c> waits for the call's cancellation, <c>throw</c> throws an ordinary
/// exception; anything else is echoed.
/// </summary>
internal static class TestService
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcUnary(TestMethods.Echo, EchoAsync);
        endpoints.MapGrpcServerStreaming(TestMethods.Count, CountAsync);
        endpoints.MapGrpcClientStreaming(TestMethods.Sum, SumAsync);
        endpoints.MapGrpcServerStreaming(TestMethods.Download, DownloadAsync);
    }

    /// <summary>The byte at <paramref name="offset"/> of every Download stream.</summary>
    public static byte PatternByte(long offset) => (byte)(offset % 251);

    private static async Task<EchoResponse> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.Text.StartsWith("status:", StringComparison.Ordinal))
        {
            var parts = request.Text.Split(':', 3);
            throw new RpcException((StatusCode)int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]);
        }

        if (request.Text == "wait")
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        if (request.Text == "throw")
        {
            throw new InvalidOperationException("secret internal details");
        }

        return new EchoResponse { Text = request.Text, Payload = request.Payload };
    }

    private static async Task CountAsync(CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            var payload = new byte[request.PayloadSize];
            Array.Fill(payload, (byte)i);
            await responses.WriteAsync(new CountResponse { Index = i, Payload = UnsafeByteOperations.UnsafeWrap(payload) }, context.CancellationToken);
        }
    }

    private static async Task<SumResponse> SumAsync(IAsyncStreamReader<SumRequest> requests, ServerCallContext context)
    {
        var response = new SumResponse();
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            response.Sum += request.Value;
            response.Count++;
        }

        return response;
    }

    private static async Task DownloadAsync(DownloadRequest request, IServerStreamWriter<DataChunk> responses, ServerCallContext context)
    {
        var chunkSize = request.ChunkSize > 0 ? request.ChunkSize : 64 * 1024;
        var buffer = new byte[chunkSize];
        for (long offset = 0; offset < request.Size; offset += chunkSize)
        {
            var length = (int)Math.Min(chunkSize, request.Size - offset);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = PatternByte(offset + i);
            }

            // The writer copies the bytes into the response before WriteAsync completes, so the buffer is reused.
            await responses.WriteAsync(new DataChunk { Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, length)) }, context.CancellationToken);
        }
    }
}
