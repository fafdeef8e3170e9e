using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Archive;

/// <summary>Archiving finished jobs to a real S3 emulator (s3rver): what is uploaded, for which jobs, and what the status API shows.</summary>
public sealed class JobArchiverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_SucceededJob_UploadsLogTranscriptAndResult()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct);
        var jobId = await ArchiveHost.FinishTicketAsync(host, "PAY-7", Succeeded(), Ct);

        var settled = await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        Assert.Equal(1, settled);
        Assert.Equal(
            [ArchiveHost.Key(jobId, "log.txt"), ArchiveHost.Key(jobId, "result.json"), ArchiveHost.Key(jobId, "transcript.jsonl")],
            await s3.KeysAsync(ArchiveHost.Bucket, Ct));
        Assert.Equal(
            """
            2026-11-02T14:00:01.000Z worker   cloning https://github.example/acme/app.git (main)
            2026-11-02T14:00:02.000Z stdout   agent: the retry loop now backs off, it's capped at 20 s
            2026-11-02T14:00:03.000Z stderr   Reading prompt from stdin...

            """.Replace("\r", "", StringComparison.Ordinal) + $"2026-11-02T14:00:04.000Z progress {{ \"timestamp\": \"2026-11-02T14:00:04Z\", \"turnCompleted\": {{ \"turn\": 1, \"usage\": {{ \"inputTokens\": \"1200\", \"outputTokens\": \"80\" }} }} }}\n",
            await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, "log.txt"), Ct));

        var transcriptText = await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, "transcript.jsonl"), Ct);
        Assert.Contains("\"text\":\"agent: the retry loop now backs off, it's capped at 20 s\"", transcriptText, StringComparison.Ordinal);
        var transcript = transcriptText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["stdout", "stderr", "progress"], transcript.Select(e => e.GetProperty("stream").GetString()));
        Assert.Equal("agent: the retry loop now backs off, it's capped at 20 s", transcript[0].GetProperty("text").GetString());
        Assert.Equal("2026-11-02T14:00:02.000Z", transcript[0].GetProperty("workerAt").GetString());
        Assert.Equal("1200", transcript[2].GetProperty("event").GetProperty("turnCompleted").GetProperty("usage").GetProperty("inputTokens").GetString());

        using var result = JsonDocument.Parse(await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, "result.json"), Ct));
        var root = result.RootElement;
        Assert.Equal(jobId, root.GetProperty("jobId").GetString());
        Assert.Equal("succeeded", root.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal("PAY-7", root.GetProperty("job").GetProperty("ticketKey").GetString());
        Assert.Equal(1200, root.GetProperty("job").GetProperty("inputTokens").GetInt64());
        Assert.Equal("https://github.example/acme/app/pull/7", root.GetProperty("result").GetProperty("pullRequestUrl").GetString());
        Assert.Equal("Made the retry loop back off.", root.GetProperty("result").GetProperty("summary").GetString());
        Assert.False(root.GetProperty("result").GetProperty("summaryTruncated").GetBoolean());
        Assert.Equal(
            ["pending", "launching", "launched", "connected", "succeeded"],
            root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("toState").GetString()));
        Assert.Equal("2026-11-02T14:00:00.000Z", root.GetProperty("events")[0].GetProperty("at").GetString());
        Assert.Equal(4, root.GetProperty("logLines").GetInt64());
        Assert.Equal(3, root.GetProperty("transcriptEntries").GetInt64());
    }

    [Fact]
    public async Task StatusApi_ArchivedJob_LinksEveryObject()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct, new FakeTimeProvider(ConductorHost.T0));
        var jobId = await ArchiveHost.FinishTicketAsync(host, "PAY-8", Succeeded(), Ct);
        using (var before = await GetJsonAsync(host.Http, $"/v1/jobs/{jobId}"))
        {
            Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("job").GetProperty("archive").ValueKind);
        }

        await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        using var job = await GetJsonAsync(host.Http, $"/v1/jobs/{jobId}");
        using var list = await GetJsonAsync(host.Http, "/v1/jobs");
        var archive = job.RootElement.GetProperty("job").GetProperty("archive");
        Assert.Equal($"s3://{ArchiveHost.Bucket}/{ArchiveHost.Prefix}/{jobId}/", archive.GetProperty("location").GetString());
        Assert.Equal(ConductorHost.T0, archive.GetProperty("archivedAt").GetDateTimeOffset());
        Assert.Equal(0, archive.GetProperty("failures").GetInt32());
        var objects = archive.GetProperty("objects").EnumerateArray().ToList();
        Assert.Equal(["log.txt", "transcript.jsonl", "result.json"], objects.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal($"s3://{ArchiveHost.Bucket}/{ArchiveHost.Prefix}/{jobId}/result.json", objects[2].GetProperty("uri").GetString());
        Assert.Equal(archive.GetRawText(), list.RootElement.GetProperty("jobs")[0].GetProperty("archive").GetRawText());

        // The links lead to the objects (s3rver serves unsigned reads).
        using var anonymous = new HttpClient();
        foreach (var item in objects)
        {
            var url = item.GetProperty("url").GetString()!;
            Assert.StartsWith($"{s3.ServiceUrl}/{ArchiveHost.Bucket}/{ArchiveHost.Prefix}/{jobId}/", url, StringComparison.Ordinal);
            var name = item.GetProperty("name").GetString()!;
            Assert.Equal(await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, name), Ct), await anonymous.GetStringAsync(url, Ct));
        }
    }

    [Fact]
    public async Task RunOnce_MoreDueThanTheBatchSize_ArchivesOneBatchAPass()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct, settings: ["--Archive:BatchSize=2"]);
        var scheduled = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync(
            [.. Enumerable.Range(1, 3).Select(i => new InboundMessage($"m-{i}", Messages.TicketCreated($"PAY-{i}", ConductorHost.T0), ConductorHost.T0))], Ct);
        foreach (var decision in scheduled.Decisions)
        {
            await host.Services.GetRequiredService<JobCanceller>().CancelAsync(decision.JobId, "ticket closed", Ct);
        }

        var archiver = host.Services.GetRequiredService<JobArchiver>();

        var passes = new List<int>();
        for (var pass = 0; pass < 3; pass++)
        {
            passes.Add(await archiver.RunOnceAsync(Ct));
        }

        Assert.Equal([2, 1, 0], passes);
    }

    [Fact]
    public async Task RunOnce_FailedAndCancelledJobs_AreArchivedToo()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct);
        var failed = await ArchiveHost.FinishTicketAsync(
            host, "PAY-9", new ReportResultRequest { Status = ResultStatus.Failed, Error = new ResultError { Code = "agent_failed", Message = "the agent exited with code 1" } }, Ct);
        var cancelled = (await host.Services.GetRequiredService<Scheduler>().ScheduleAsync(
            [new InboundMessage("m-pay-10", Messages.TicketCreated("PAY-10", ConductorHost.T0), ConductorHost.T0)], Ct)).Decisions[0].JobId;
        await host.Services.GetRequiredService<JobCanceller>().CancelAsync(cancelled, "ticket closed", Ct);

        var settled = await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        Assert.Equal(2, settled);
        using var failedResult = JsonDocument.Parse(await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(failed, "result.json"), Ct));
        Assert.Equal("failed", failedResult.RootElement.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal("agent_failed", failedResult.RootElement.GetProperty("result").GetProperty("errorCode").GetString());
        Assert.Equal("the agent exited with code 1", failedResult.RootElement.GetProperty("result").GetProperty("errorMessage").GetString());

        // A job that never ran: no worker output, no reported result, still its record and audit trail.
        using var cancelledResult = JsonDocument.Parse(await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(cancelled, "result.json"), Ct));
        Assert.Equal("cancelled", cancelledResult.RootElement.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, cancelledResult.RootElement.GetProperty("result").ValueKind);
        Assert.Equal("", await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(cancelled, "log.txt"), Ct));
        Assert.Equal("", await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(cancelled, "transcript.jsonl"), Ct));
    }

    [Fact]
    public async Task RunOnce_UnfinishedAndRetriedLostJobs_AreNotArchived()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct);
        var (running, _) = await host.LaunchTicketAsync("PAY-11", cancellationToken: Ct);
        var (retried, _) = await host.LaunchTicketAsync("PAY-12", cancellationToken: Ct);
        host.Write(writer =>
        {
            Assert.True(writer.TryMove(retried, JobState.Launched, JobState.Lost, "no handshake", ConductorHost.T0));
            Assert.True(writer.TryMove(retried, JobState.Lost, JobState.Pending, "retry", ConductorHost.T0));
        });

        var settled = await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        Assert.Equal(0, settled);
        Assert.Empty(await s3.KeysAsync(ArchiveHost.Bucket, Ct));
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM job_archives WHERE job_id IN (@a, @b)", ("@a", running), ("@b", retried)));
    }

    [Fact]
    public async Task RunOnce_S3Down_RecordsTheFailureAndRetriesAfterBackoffWithoutTouchingTheJob()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct, clock, settings: ["--Archive:RetryBase=00:01:00", "--Archive:RetryCap=00:01:00"]);
        var jobs = new[] { await ArchiveHost.FinishTicketAsync(host, "PAY-13", Succeeded(), Ct), await ArchiveHost.FinishTicketAsync(host, "PAY-14", Succeeded(), Ct) };
        var archiver = host.Services.GetRequiredService<JobArchiver>();
        await s3.StopAsync();

        Assert.Equal(0, await archiver.RunOnceAsync(Ct));

        Assert.All(jobs, job => Assert.Equal("succeeded", host.State(job)));
        var tried = Assert.Single(host.Strings("SELECT job_id FROM job_archives WHERE failures = 1")); // the pass stopped at the first failure
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_archives WHERE failures = 0"));
        using (var status = await GetJsonAsync(host.Http, $"/v1/jobs/{tried}"))
        {
            var archive = status.RootElement.GetProperty("job").GetProperty("archive");
            Assert.Equal(JsonValueKind.Null, archive.GetProperty("archivedAt").ValueKind);
            Assert.Equal(1, archive.GetProperty("failures").GetInt32());
            Assert.StartsWith($"uploading s3://{ArchiveHost.Bucket}/{ArchiveHost.Key(tried, "log.txt")} failed: ", archive.GetProperty("lastError").GetString(), StringComparison.Ordinal);
            var retryIn = archive.GetProperty("nextAttemptAt").GetDateTimeOffset() - ConductorHost.T0;
            Assert.InRange(retryIn, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        }

        await s3.StartAgainAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await archiver.RunOnceAsync(Ct)); // only the job that was never tried is due
        Assert.Equal(3, (await s3.KeysAsync(ArchiveHost.Bucket, Ct)).Count);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await archiver.RunOnceAsync(Ct));

        Assert.Equal(6, (await s3.KeysAsync(ArchiveHost.Bucket, Ct)).Count);
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM job_archives WHERE archived_at IS NULL"));
        Assert.Equal(1, host.Logs.Entries.Count(e => e.EventName == "ArchiveUploadsFailing"));
        Assert.Equal(1, host.Logs.Entries.Count(e => e.EventName == "ArchiveUploadsRecovered"));
    }

    [Fact]
    public async Task RunOnce_LongLog_EveryLineArrivesInOrder()
    {
        const int lines = 20_000;
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct);
        var jobId = await ArchiveHost.FinishTicketAsync(host, "PAY-17", Succeeded(), Ct);
        host.Execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @lines)
            INSERT INTO job_logs (job_id, seq, at, stream, text) SELECT @id, 100 + i, 0, 'stdout', 'line ' || i || ' ' || hex(zeroblob(90)) FROM n
            """,
            ("@lines", lines), ("@id", jobId));

        await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct);

        var log = (await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, "log.txt"), Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4 + lines, log.Length);
        Assert.Equal(Enumerable.Range(1, lines).Select(i => $"line {i} "), log.Skip(4).Select(l => l[(l.IndexOf("line ", StringComparison.Ordinal))..(l.LastIndexOf(' ') + 1)]));
        var transcript = (await s3.ReadAsync(ArchiveHost.Bucket, ArchiveHost.Key(jobId, "transcript.jsonl"), Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 + lines, transcript.Length);
    }

    [Theory]
    [InlineData("WRONG-KEY", ArchiveHost.Bucket, "InvalidAccessKeyId: ", 403)]
    [InlineData(S3rver.AccessKey, "other-bucket", "NoSuchBucket: ", 404)]
    public async Task RunOnce_S3RefusesTheUpload_RecordsItsErrorCode(string accessKey, string existingBucket, string code, int status)
    {
        await using var s3 = await S3rver.StartAsync(existingBucket);
        await using var host = await ArchiveHost.StartAsync(s3, Ct, new FakeTimeProvider(ConductorHost.T0), accessKey: accessKey);
        var jobId = await ArchiveHost.FinishTicketAsync(host, "PAY-16", Succeeded(), Ct);

        Assert.Equal(0, await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct));

        var error = (string)host.Scalar("SELECT last_error FROM job_archives WHERE job_id = @id", ("@id", jobId))!;
        Assert.StartsWith($"uploading s3://{ArchiveHost.Bucket}/{ArchiveHost.Key(jobId, "log.txt")} failed: {code}", error, StringComparison.Ordinal);
        Assert.Contains($"(HTTP {status}", error, StringComparison.Ordinal);
        Assert.Equal("succeeded", host.State(jobId));
    }

    [Fact]
    public async Task ArchiveOff_NothingIsUploaded_AndARestartWithItOnCatchesUp()
    {
        await using var s3 = await S3rver.StartAsync(ArchiveHost.Bucket);
        using var data = new TempDirectory();
        var database = $"--Storage:DatabasePath={data.File("conductor.db")}";
        string jobId;
        await using (var off = await ConductorHost.StartAsync([database, $"--Archive:ServiceUrl={s3.ServiceUrl}", "--Archive:Prefix=x"], cancellationToken: Ct))
        {
            Assert.Null(off.Services.GetService<JobArchiver>());
            jobId = await ArchiveHost.FinishTicketAsync(off, "PAY-15", Succeeded(), Ct);
            using var status = await GetJsonAsync(off.Http, $"/v1/jobs/{jobId}");
            Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("job").GetProperty("archive").ValueKind);
        }

        Assert.Empty(await s3.KeysAsync(ArchiveHost.Bucket, Ct));

        await using var on = await ArchiveHost.StartAsync(s3, Ct, archiveService: true, settings: [database]);
        await Eventually.ValueAsync(() => on.Scalar("SELECT archived_at FROM job_archives WHERE job_id = @id", ("@id", jobId)), Ct);

        Assert.Equal(3, (await s3.KeysAsync(ArchiveHost.Bucket, Ct)).Count);
        Assert.Contains(on.Logs.Entries, e => e.EventName == "JobArchived");
    }

    private static ReportResultRequest Succeeded() => new()
    {
        Status = ResultStatus.Succeeded,
        PullRequestUrl = "https://github.example/acme/app/pull/7",
        Branch = "agent/x",
        HeadCommit = "0123abcd",
        Summary = "Made the retry loop back off.",
    };

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }
}
