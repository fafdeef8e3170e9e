using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Tests.Sessions;
using AgentConductor.Conductor.Tests.WorkerApi;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHubWebhooks;
using AgentConductor.TestSupport.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Archive;

/// <summary>Agent sessions with the archive on (s3rver): uploaded with the job's objects, and read back for a follow-up when the conductor's own copy is gone.</summary>
public sealed class SessionArchiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_JobWithASession_UploadsItAndAFollowUpGetsItBackWhenTheLocalCopyIsGone()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await StartAsync(s3);
        var session = SessionArchives.Valid("{\"conversation\":\"kept in S3\"}\n");
        var (parent, pr) = await FollowUpHandshakeTests.OpenPullRequestAsync(host, session);

        Assert.Equal(1, await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct));

        Assert.Contains(ArchiveHost.Key(parent, "codex-session.tar.gz"), await s3.KeysAsync(ArchiveHost.Bucket, Ct));
        File.Delete(UploadSessionTests.StoredFile(host, parent)); // another host, a cleaned disk
        var followUp = await FollowUpHandshakeTests.SendBackAsync(host, pr);
        var token = host.Launch(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Equal((SessionArchives.ThreadId, parent), (spec.FollowUp.Session.ThreadId, spec.FollowUp.Session.JobId));
        Assert.Equal(session, await File.ReadAllBytesAsync(UploadSessionTests.StoredFile(host, parent), Ct));
        Assert.Contains(host.Logs.Entries, e => e.EventName == "AgentSessionRestored" && e.Message.Contains(parent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handshake_ArchivedSessionChanged_NotServedAndTheFollowUpStartsAfresh()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await StartAsync(s3);
        var (parent, pr) = await FollowUpHandshakeTests.OpenPullRequestAsync(host, SessionArchives.Valid());
        await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);
        File.Delete(UploadSessionTests.StoredFile(host, parent));
        using (var client = s3.CreateClient())
        {
            await client.PutObjectAsync(
                new PutObjectRequest { BucketName = ArchiveHost.Bucket, Key = ArchiveHost.Key(parent, "codex-session.tar.gz"), ContentBody = "swapped", UseChunkEncoding = false }, Ct);
        }

        var followUp = await FollowUpHandshakeTests.SendBackAsync(host, pr);
        var token = host.Launch(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Null(spec.FollowUp.Session);
        Assert.Contains(host.Logs.Entries, e => e.EventName == "AgentSessionUnavailable" && e.Message.Contains("does not match", StringComparison.Ordinal));
        Assert.False(File.Exists(UploadSessionTests.StoredFile(host, parent)));
    }

    [Fact]
    public async Task RunOnce_JobWithoutASession_UploadsNoSessionObject()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await StartAsync(s3);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-9", Ct);
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = ResultStatus.NoChanges }, ConductorHost.Bearer(token).WithCancellationToken(Ct));

        await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        Assert.DoesNotContain(ArchiveHost.Key(jobId, "codex-session.tar.gz"), await s3.KeysAsync(ArchiveHost.Bucket, Ct));
        Assert.Contains(ArchiveHost.Key(jobId, "result.json"), await s3.KeysAsync(ArchiveHost.Bucket, Ct));
    }

    private static Task<ConductorHost> StartAsync(S3rver s3) =>
        ArchiveHost.StartAsync(s3, Ct, settings: [$"--GitHub:WebhookSecret={GitHubDeliveries.Secret}", "--FollowUps:CoalesceWindow=00:00:00"]);
}
