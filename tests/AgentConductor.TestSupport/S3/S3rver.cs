using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace AgentConductor.TestSupport.S3;

/// <summary>
/// The <c>s3rver</c> S3 emulator (npm, pinned in <c>tests/tools/package.json</c>) on 127.0.0.1 and a free port, storing
/// into a temp folder, with its buckets created at start. It checks SigV4 signatures made with <see cref="AccessKey"/> /
/// <see cref="SecretKey"/>. <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> take it down and back on the same
/// port, so tests can watch an outage. Stopped and deleted on dispose.
/// </summary>
public sealed partial class S3rver : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "tools", "node_modules", "s3rver", "bin", "s3rver.js");

    private readonly TempDirectory _directory = new();
    private readonly string[] _buckets;
    private Process? _process;

    private S3rver(string[] buckets) => _buckets = buckets;

    public int Port { get; private set; }

    /// <summary>The endpoint, as <c>Archive:ServiceUrl</c> takes it.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public static async Task<S3rver> StartAsync(params string[] buckets)
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"{Script} is missing: run `npm ci --prefix tests/tools` in {RepoPaths.Root}.");
        }

        var server = new S3rver(buckets);
        try
        {
            await server.LaunchAsync(0);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the emulator; its port refuses connections until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts the emulator again on the same port with the same stored objects.</summary>
    public Task StartAgainAsync() => LaunchAsync(Port);

    /// <summary>A client signed with the emulator's keys, for reading back what was stored.</summary>
    public AmazonS3Client CreateClient() => new(
        new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config { ServiceURL = ServiceUrl, AuthenticationRegion = Region, ForcePathStyle = true });

    public async Task<string> ReadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    public async Task<List<string>> KeysAsync(string bucket, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, cancellationToken);
        return [.. (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
    }

    private async Task LaunchAsync(int port)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[Script, "-d", _directory.Path, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var bucket in _buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        _process = process;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining
                return;
            }
        }

        await process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"s3rver exited with {process.ExitCode} before listening: {await stderr}");
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
