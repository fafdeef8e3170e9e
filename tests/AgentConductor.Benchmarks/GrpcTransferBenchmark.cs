using System.Diagnostics;
using System.Net;
using AgentConductor.Proto.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AgentConductor.Benchmarks;

/// <summary>Downloads N MiB over loopback with a Grpc.Net.Client server-streaming call and with a raw HTTP/2 GET; prints MB/s and memory.</summary>
internal static class GrpcTransferBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var size = arguments.SizeMiB * 1024L * 1024L;
        var (app, address) = await TransferServer.StartAsync(cancellationToken);
        await using var appScope = app;
        using var sampler = new MemorySampler();
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = CreateHandler() });
        var client = new WorkerService.WorkerServiceClient(channel);
        using var http = new HttpClient(CreateHandler()) { BaseAddress = address };

        Console.WriteLine($"grpc-transfer: {arguments.SizeMiB} MiB in {TransferServer.ChunkSize / 1024} KiB chunks over h2c {address}, {arguments.Rounds} rounds, {Environment.ProcessorCount} cores");
        for (var i = 0; i < 3; i++)
        {
            // Warm-up: connections, tiered JIT and dynamic PGO reach steady state before measuring.
            await GrpcDownloadAsync(client, 64 * 1024 * 1024, cancellationToken);
            await RawDownloadAsync(http, 64 * 1024 * 1024, cancellationToken);
        }


        var grpc = new List<Measurement>();
        var raw = new List<Measurement>();
        for (var round = 1; round <= arguments.Rounds; round++)
        {
            grpc.Add(await MeasureAsync("grpc", round, size, sampler, ct => GrpcDownloadAsync(client, size, ct), cancellationToken));
            raw.Add(await MeasureAsync("raw ", round, size, sampler, ct => RawDownloadAsync(http, size, ct), cancellationToken));
        }

        double Best(List<Measurement> m) => m.Max(x => x.MegabytesPerSecond);
        double Median(List<Measurement> m) => m.Select(x => x.MegabytesPerSecond).Order().ElementAt(m.Count / 2);
        static double MiB(long bytes) => bytes / 1048576.0;
        Console.WriteLine($"best:   grpc {Best(grpc):F0} MB/s, raw {Best(raw):F0} MB/s, ratio {Best(grpc) / Best(raw):F2}");
        Console.WriteLine($"median: grpc {Median(grpc):F0} MB/s, raw {Median(raw):F0} MB/s, ratio {Median(grpc) / Median(raw):F2}");
        Console.WriteLine(
            $"peak working set: grpc {MiB(grpc.Max(x => x.PeakWorkingSet)):F0} MiB, raw {MiB(raw.Max(x => x.PeakWorkingSet)):F0} MiB; "
            + $"peak GC heap: grpc {MiB(grpc.Max(x => x.PeakGcHeap)):F0} MiB, raw {MiB(raw.Max(x => x.PeakGcHeap)):F0} MiB");
        await app.StopAsync(cancellationToken);
        return 0;
    }

    private static async Task<Measurement> MeasureAsync(string name, int round, long size, MemorySampler sampler, Func<CancellationToken, Task<long>> download, CancellationToken cancellationToken)
    {
        GC.Collect();
        sampler.Reset();
        var stopwatch = Stopwatch.StartNew();
        var received = await download(cancellationToken);
        stopwatch.Stop();
        if (received != size)
        {
            throw new InvalidOperationException($"{name}: received {received} bytes, expected {size}.");
        }

        var measurement = new Measurement(size / 1e6 / stopwatch.Elapsed.TotalSeconds, sampler.PeakWorkingSet, sampler.PeakGcHeap);
        Console.WriteLine(
            $"round {round} {name}: {measurement.MegabytesPerSecond,6:F0} MB/s ({stopwatch.Elapsed.TotalSeconds:F2} s), "
            + $"peak working set {measurement.PeakWorkingSet / 1048576.0:F0} MiB, peak GC heap {measurement.PeakGcHeap / 1048576.0:F0} MiB");
        return measurement;
    }

    private static async Task<long> GrpcDownloadAsync(WorkerService.WorkerServiceClient client, long size, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { TransferServer.SizeHeader, size.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        long received = 0;
        using var call = client.DownloadTaskFiles(new DownloadTaskFilesRequest(), headers, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            received += call.ResponseStream.Current.Data.Length;
        }

        return received;
    }

    private static async Task<long> RawDownloadAsync(HttpClient http, long size, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/raw") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Add(TransferServer.SizeHeader, size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[TransferServer.ChunkSize];
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            received += read;
        }

        return received;
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    };
}
