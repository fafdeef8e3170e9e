using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Aws;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.S3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.Conductor.Tests.Archive;

/// <summary>A conductor archiving to an s3rver, signed with the emulator's keys; the archive service runs only when asked.</summary>
internal static class ArchiveHost
{
    public const string Bucket = "job-archive";
    public const string Prefix = "conductor/test";

    public static Task<ConductorHost> StartAsync(
        S3rver s3, CancellationToken cancellationToken, TimeProvider? time = null, bool archiveService = false, IEnumerable<string>? settings = null,
        string accessKey = S3rver.AccessKey) =>
        ConductorHost.StartAsync(
            [
                $"--Archive:Bucket={Bucket}",
                $"--Archive:Prefix=/{Prefix}/",
                $"--Archive:ServiceUrl={s3.ServiceUrl}",
                $"--Archive:Region={S3rver.Region}",
                "--Archive:PollInterval=00:00:00.100",
                .. settings ?? [],
            ],
            time,
            services: services =>
            {
                services.RemoveAll<IAwsCredentials>();
                services.AddSingleton<IAwsCredentials>(new StaticAwsCredentials(accessKey, S3rver.SecretKey));
                if (!archiveService)
                {
                    // Tests that run the passes by hand must not race the background service.
                    services.Remove(services.Single(d => d.ImplementationType == typeof(ArchiveService)));
                }
            },
            cancellationToken: cancellationToken);

    public static string Key(string jobId, string name) => $"{Prefix}/{jobId}/{name}";

    /// <summary>Takes a ticket job through a worker's life: handshake, some output, the given result.</summary>
    public static async Task<string> FinishTicketAsync(ConductorHost host, string key, ReportResultRequest result, CancellationToken cancellationToken)
    {
        var (jobId, token) = await host.LaunchTicketAsync(key, cancellationToken: cancellationToken);
        var bearer = ConductorHost.Bearer(token);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, bearer.WithCancellationToken(cancellationToken)).ResponseAsync;
        await host.Worker.PublishAllAsync(Output(jobId), bearer.WithCancellationToken(cancellationToken));
        result.JobId = jobId;
        await host.Worker.ReportResultAsync(result, bearer.WithCancellationToken(cancellationToken)).ResponseAsync;
        return jobId;
    }

    private static async IAsyncEnumerable<ProgressUpdate> Output(string jobId)
    {
        await Task.Yield();
        yield return Line(jobId, LogStream.Worker, "cloning https://github.example/acme/app.git (main)", 1);
        yield return Line(jobId, LogStream.Stdout, "agent: the retry loop now backs off, it's capped at 20 s", 2);
        yield return Line(jobId, LogStream.Stderr, "Reading prompt from stdin...", 3);
        yield return new ProgressUpdate
        {
            JobId = jobId,
            Progress = new ProgressEvent
            {
                Timestamp = Timestamp.FromDateTimeOffset(ConductorHost.T0.AddSeconds(4)),
                TurnCompleted = new AgentTurnCompleted { Turn = 1, Usage = new TokenUsage { InputTokens = 1200, OutputTokens = 80 } },
            },
        };
    }

    private static ProgressUpdate Line(string jobId, LogStream stream, string text, int second) => new()
    {
        JobId = jobId,
        Log = new LogLine { Stream = stream, Text = text, Timestamp = Timestamp.FromDateTimeOffset(ConductorHost.T0.AddSeconds(second)) },
    };
}
