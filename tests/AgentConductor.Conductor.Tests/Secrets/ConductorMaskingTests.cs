using System.Text;
using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Tests.Archive;
using AgentConductor.Conductor.Tests.GitHub;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.S3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.Conductor.Tests.Secrets;

/// <summary>
/// A worker (a real gRPC client here) reports text carrying every secret the conductor holds: its AWS credentials, its
/// API key, the token it minted for the job, its App key, and a GitHub-token shape it never saw. None of it is stored:
/// not in the database, not in the archive written to s3rver, not in the conductor's log.
/// </summary>
public sealed class ConductorMaskingTests
{
    private const string ApiKey = "conductor-api-key-canary-5Tq8Wm";
    private const string AwsSessionToken = "IQoJb3JpZ2luX2VjEJr-aws-session-canary-0123456789";
    private const string GitHubShape = "ghp_ShapedLikeAPersonalToken0123456789ab";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkerText_CarryingTheConductorsSecrets_IsStoredArchivedAndLoggedMasked()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var rig = await GitHubAppRig.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(s3, rig);
        var secrets = host.Services.GetRequiredService<SecretRegistry>();
        // The AWS credentials are resolved (and registered) in the background at startup.
        await Eventually.ValueAsync(() => secrets.Mask(AwsSessionToken) == "***" ? "registered" : null, Ct);
        var (jobId, jobToken) = await host.LaunchTicketAsync("PAY-42", cancellationToken: Ct);
        var bearer = ConductorHost.Bearer(jobToken);
        var minted = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, bearer.WithCancellationToken(Ct)).ResponseAsync).Job.GithubToken.Token;
        var keyLine = (await File.ReadAllLinesAsync(rig.KeyPath, Ct))[5];
        string[] canaries = [S3rver.SecretKey, AwsSessionToken, ApiKey, minted, GitHubShape, keyLine];
        var leak = $"AWS_SECRET_ACCESS_KEY={S3rver.SecretKey} AWS_SESSION_TOKEN={AwsSessionToken} key={ApiKey} GITHUB_TOKEN={minted} old={GitHubShape} pem={keyLine}";

        await host.Worker.PublishAllAsync(Updates(jobId, leak, minted), bearer.WithCancellationToken(Ct));
        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent, CurrentStep = $"running {leak}" }, bearer.WithCancellationToken(Ct)).ResponseAsync;
        await host.Worker.ReportResultAsync(new ReportResultRequest
            {
                JobId = jobId,
                Status = ResultStatus.Failed,
                Summary = $"I printed the environment: {leak}",
                Error = new ResultError { Code = "agent_failed", Message = $"the agent exited with code 1: {leak}" },
            }, bearer.WithCancellationToken(Ct)).ResponseAsync;

        var stored = StoredText.Of(host);
        Assert.Contains("AWS_SECRET_ACCESS_KEY=*** AWS_SESSION_TOKEN=*** key=*** GITHUB_TOKEN=*** old=*** pem=***", stored, StringComparison.Ordinal);
        Assert.Equal(1, await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct));
        var archive = new StringBuilder();
        foreach (var key in await s3.KeysAsync(ArchiveHost.Bucket, Ct))
        {
            archive.Append(await s3.ReadAsync(ArchiveHost.Bucket, key, Ct));
        }

        Assert.Contains("GITHUB_TOKEN=***", archive.ToString(), StringComparison.Ordinal);
        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(canary, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, archive.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(canary, host.Logs.AllText, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{minted}")), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogLine_LongerThanTheLimitWithASecretAcrossTheCut_NoPartOfTheSecretStored()
    {
        await using var host = await ConductorHost.StartAsync([$"--Api:Key={ApiKey}", "--WorkerApi:MaxLogLineBytes=256"], cancellationToken: Ct);
        var (jobId, jobToken) = await host.LaunchTicketAsync("PAY-43", cancellationToken: Ct);
        var bearer = ConductorHost.Bearer(jobToken);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, bearer.WithCancellationToken(Ct)).ResponseAsync;
        var line = new string('.', 240) + ApiKey + new string('.', 50);

        await host.Worker.PublishAllAsync(WorkerApiUpdates(jobId, new ProgressUpdate { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = line } }), bearer.WithCancellationToken(Ct));

        var stored = Assert.Single(host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(new string('.', 240) + "***" + new string('.', 13), stored);
    }

    private static async Task<ConductorHost> StartAsync(S3rver s3, GitHubAppRig rig) => await ConductorHost.StartAsync(
        [
            $"--Archive:Bucket={ArchiveHost.Bucket}",
            $"--Archive:Prefix=/{ArchiveHost.Prefix}/",
            $"--Archive:ServiceUrl={s3.ServiceUrl}",
            $"--Archive:Region={S3rver.Region}",
            $"--Api:Key={ApiKey}",
            .. rig.Settings(),
        ],
        services: services =>
        {
            // s3rver takes only its own key pair; the session token is the canary the SDK sends along.
            services.RemoveAll<IAwsCredentials>();
            services.AddSingleton<IAwsCredentials>(new StaticAwsCredentials(S3rver.AccessKey, S3rver.SecretKey, AwsSessionToken));
            services.Remove(services.Single(d => d.ImplementationType == typeof(ArchiveService)));
        },
        cancellationToken: Ct);

    private static async IAsyncEnumerable<ProgressUpdate> Updates(string jobId, string leak, string minted)
    {
        await Task.Yield();
        var at = Timestamp.FromDateTimeOffset(ConductorHost.T0.AddSeconds(1));
        yield return new ProgressUpdate { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = leak, Timestamp = at } };
        yield return new ProgressUpdate
        {
            JobId = jobId,
            Log = new LogLine { Stream = LogStream.Stderr, Text = $"git: Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{minted}"))}", Timestamp = at },
        };
        yield return new ProgressUpdate
        {
            JobId = jobId,
            Progress = new ProgressEvent { Timestamp = at, CommandRun = new CommandRun { Command = $"env | grep KEY # {leak}", ExitCode = 0 } },
        };
    }

    private static async IAsyncEnumerable<ProgressUpdate> WorkerApiUpdates(string jobId, ProgressUpdate update)
    {
        await Task.Yield();
        yield return update;
    }
}
