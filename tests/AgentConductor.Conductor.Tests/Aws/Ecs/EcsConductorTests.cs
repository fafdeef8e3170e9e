using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>
/// The whole conductor (real dispatcher and reconciler) with <c>Launcher:Kind = ecs</c> against the fake ECS: tickets
/// become tasks, workers (played over real gRPC with the token from the task's environment) report or exit, capacity
/// errors are retried, a cancel stops the task, and a restarted conductor cleans up after the one before.
/// </summary>
public sealed class EcsConductorTests : IAsyncDisposable
{
    private const string CallbackUrl = "http://conductor.internal:5081";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private FakeEcs _ecs = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_ecs is not null)
        {
            await _ecs.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Jobs_RunAsEcsTasks_EndByTheWorkersReportOrItsExitCode()
    {
        await using var host = await StartAsync();

        var reported = await PostTicketAsync(host, "PAY-1");
        var first = await LaunchedTaskAsync(host, reported);
        Assert.Equal((CallbackUrl, reported), (first.Environment["CONDUCTOR_URL"], first.Environment["JOB_ID"]));
        Assert.Equal(first.Arn, host.Scalar("SELECT launcher_ref FROM jobs WHERE id = @id", ("@id", reported)));
        var auth = ConductorHost.Bearer(first.Environment["JOB_TOKEN"]);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = reported }, auth.WithCancellationToken(Ct)).ResponseAsync;
        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = reported, Phase = WorkerPhase.RunningAgent }, auth.WithCancellationToken(Ct)).ResponseAsync;
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = reported, Status = ResultStatus.Succeeded, Summary = "done" }, auth.WithCancellationToken(Ct)).ResponseAsync;
        _ecs.Exit(first, 0);

        var crashed = await PostTicketAsync(host, "PAY-2"); // same repository: launched once the first job has ended
        var second = await LaunchedTaskAsync(host, crashed);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = crashed }, ConductorHost.Bearer(second.Environment["JOB_TOKEN"]).WithCancellationToken(Ct)).ResponseAsync;
        _ecs.Exit(second, 20);

        await StateAsync(host, crashed, "failed");
        Assert.Equal("succeeded", host.State(reported));
        Assert.Equal("worker exited with code 20", LastReason(host, crashed));
        Assert.Equal(2, _ecs.Requests("RunTask").Count);
        AssertAllRequestsValid();
    }

    [Fact]
    public async Task Launch_CapacityErrors_AreRetriedUntilTheTaskStarts()
    {
        await using var host = await StartAsync();
        _ecs.FailNextRunTask("RESOURCE:MEMORY");
        _ecs.FailNextRunTask("Capacity is unavailable at this time. Please try again later or in a different availability zone");

        var jobId = await PostTicketAsync(host, "PAY-1");
        var task = await LaunchedTaskAsync(host, jobId);

        Assert.Equal(3, _ecs.Requests("RunTask").Count);
        Assert.Single(_ecs.Tasks);
        var reasons = host.Strings("SELECT reason FROM job_events WHERE job_id = @id ORDER BY id", ("@id", jobId));
        Assert.Contains(reasons, r => r.StartsWith("launch 1 failed: ECS could not start the task: RESOURCE:MEMORY", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("launch 2 failed: ECS could not start the task: Capacity is unavailable", StringComparison.Ordinal));
        Assert.Equal($"launched as {task.Arn}", reasons[^1]);
        AssertAllRequestsValid();
    }

    [Fact]
    public async Task Launch_InvalidTaskDefinition_FailsTheJobWithTheAwsMessage()
    {
        await using var host = await StartAsync("--EcsLauncher:TaskDefinition=agent-conductor-worker:42");

        var jobId = await PostTicketAsync(host, "PAY-1");

        await StateAsync(host, jobId, "failed");
        Assert.Equal("launch failed: ECS rejected RunTask: ClientException: Unable to describe task definition 'agent-conductor-worker:42'. (check the EcsLauncher settings and the task definition)",
            LastReason(host, jobId));
        Assert.Single(_ecs.Requests("RunTask"));
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsItsTaskAfterTheGrace()
    {
        await using var host = await StartAsync();
        var jobId = await PostTicketAsync(host, "PAY-1");
        var task = await LaunchedTaskAsync(host, jobId);
        var auth = ConductorHost.Bearer(task.Environment["JOB_TOKEN"]);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, auth.WithCancellationToken(Ct)).ResponseAsync;

        using var response = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=wrong+ticket", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await StateAsync(host, jobId, "cancelled");
        Assert.Equal([EcsLauncher.StopReason], task.StopReasons);
        Assert.Equal("STOPPED", task.DesiredStatus);
        Assert.Contains("cancelled: wrong ticket", LastReason(host, jobId), StringComparison.Ordinal);
        AssertAllRequestsValid();
    }

    [Fact]
    public async Task Restart_StopsATaskNoJobOwnsAndClosesOutAJobWhoseTaskIsGone()
    {
        string working, vanished;
        FakeEcsTask workingTask, vanishedTask;
        await using (var before = await StartAsync())
        {
            working = await PostTicketAsync(before, "PAY-1");
            vanished = await PostTicketAsync(before, "OPS-1");
            workingTask = await LaunchedTaskAsync(before, working);
            vanishedTask = await LaunchedTaskAsync(before, vanished);
            var auth = ConductorHost.Bearer(workingTask.Environment["JOB_TOKEN"]);
            await before.Worker.HandshakeAsync(new HandshakeRequest { JobId = working }, auth.WithCancellationToken(Ct)).ResponseAsync;
            await before.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = working, Phase = WorkerPhase.RunningAgent }, auth.WithCancellationToken(Ct)).ResponseAsync;
            await before.Worker.HandshakeAsync(new HandshakeRequest { JobId = vanished }, ConductorHost.Bearer(vanishedTask.Environment["JOB_TOKEN"]).WithCancellationToken(Ct)).ResponseAsync;
        }

        _ecs.Forget(vanishedTask); // stopped and forgotten while no conductor ran
        var unknown = _ecs.Add("01jcsbq9m4y7d2k8x5w3n6zzzz"); // started by a conductor whose database is gone

        await using var after = await StartAsync();

        await StateAsync(after, vanished, "failed");
        await Eventually.ValueAsync(() => unknown.StopReasons.Count > 0 ? unknown : null, Ct);
        Assert.StartsWith($"worker gone: ECS does not know task {vanishedTask.Id} (MISSING)", LastReason(after, vanished), StringComparison.Ordinal);
        Assert.Equal([EcsLauncher.StopReason], unknown.StopReasons);
        Assert.Equal("running", after.State(working));
        Assert.Empty(workingTask.StopReasons);
        Assert.Contains(after.Logs.Entries, e => e.EventName == "WorkerAdopted" && e.Message.Contains(workingTask.Arn, StringComparison.Ordinal));
        AssertAllRequestsValid();
    }

    private async Task<ConductorHost> StartAsync(params string[] extra)
    {
        _ecs ??= await FakeEcs.StartAsync(cancellationToken: Ct);
        string[] settings =
        [
            $"--Storage:DatabasePath={_directory.File("conductor.db")}",
            "--Launcher:Kind=ecs", "--Aws:Region=us-east-1", "--Aws:MaxAttempts=2",
            "--EcsLauncher:Cluster=agent-conductor", "--EcsLauncher:TaskDefinition=agent-conductor-worker", "--EcsLauncher:Subnets:0=subnet-0a1b2c3d",
            $"--EcsLauncher:ServiceUrl={_ecs.Url}", $"--Dispatch:ConductorUrl={CallbackUrl}",
            "--Dispatch:LaunchRetryBase=00:00:00.050", "--Dispatch:LaunchRetryCap=00:00:00.100", "--Reconcile:CancelGrace=00:00:00.300",
            "--Routing:Routes:0:Projects:0=OPS", "--Routing:Routes:0:CloneUrl=https://github.example/acme/ops.git", "--Routing:Routes:0:BaseBranch=main",
            .. extra,
        ];
        return await ConductorHost.StartAsync(
            settings, jobsEngine: true, realLauncher: true,
            services: s => s.RemoveAll<IAwsCredentials>().AddSingleton<IAwsCredentials>(new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey)),
            cancellationToken: Ct);
    }

    /// <summary>The job's task, once the dispatcher has recorded the job as launched.</summary>
    private async Task<FakeEcsTask> LaunchedTaskAsync(ConductorHost host, string jobId)
    {
        await StateAsync(host, jobId, "launched");
        return _ecs.TaskOf(jobId) ?? throw new InvalidOperationException($"No task for job {jobId}.");
    }

    private static Task StateAsync(ConductorHost host, string jobId, string state) =>
        Eventually.ValueAsync(() => host.State(jobId) == state ? state : null, Ct);

    private static string LastReason(ConductorHost host, string jobId) =>
        host.Strings("SELECT reason FROM job_events WHERE job_id = @id ORDER BY id", ("@id", jobId))[^1];

    private static async Task<string> PostTicketAsync(ConductorHost host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(Messages.TicketCreated(key, T0), Encoding.UTF8, "application/json") };
        using var response = await host.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }

    private void AssertAllRequestsValid()
    {
        Assert.Empty(_ecs.Problems);
        Assert.Empty(_ecs.ProtocolFailures);
    }
}
