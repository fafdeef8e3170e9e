using AgentConductor.TestSupport;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.WorkerApi;
using Grpc.Core;
using AgentConductor.Proto.V1;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class WorkerAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Rpcs => ["Handshake", "DownloadTaskFiles", "Heartbeat", "PublishProgress", "ReportResult", "UploadSession"];

    [Fact]
    public async Task Issue_NewToken_StoresOnlyItsSha256()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var stored = (byte[])host.Scalar("SELECT token_hash FROM jobs WHERE id = @id", ("@id", jobId))!;

        Assert.Equal(JobTokens.TokenLength, token.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(token)), stored);
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM jobs WHERE instr(CAST(token_hash AS TEXT), @t) > 0 OR token_hash = @t", ("@t", token)));
    }

    [Fact]
    public async Task Issue_PendingJob_Refused()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var result = await host.Services.GetRequiredService<Conductor.Scheduling.Scheduler>().ScheduleAsync(
            [new Conductor.Scheduling.InboundMessage("m1", TestSupport.Messages.TicketCreated("PAY-9", ConductorHost.T0), ConductorHost.T0)], Ct);

        var jobId = result.Decisions[0].JobId;
        Assert.Throws<InvalidOperationException>(() => { host.Services.GetRequiredService<JobTokens>().Issue(jobId); });
        Assert.Null(host.Scalar("SELECT token_hash FROM jobs WHERE id = @id", ("@id", jobId)));
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Call_WithoutToken_Unauthenticated(string rpc)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => WorkerCalls.CallAsync(host.Worker, rpc, jobId, default, Ct));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Handshake_MalformedOrUnknownToken_Unauthenticated(string authorization)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var headers = new Metadata { { "authorization", authorization } };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, new CallOptions(headers).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("launched", host.State(jobId));
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Call_WithAnotherJobsToken_PermissionDenied(string rpc)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var (_, otherToken) = await host.LaunchTicketAsync("PAY-2", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => WorkerCalls.CallAsync(host.Worker, rpc, jobId, ConductorHost.Bearer(otherToken), Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("launched", host.State(jobId));
    }

    [Fact]
    public async Task Handshake_TokenOfAnEarlierAttempt_Unauthenticated()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, first) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var second = host.Services.GetRequiredService<JobTokens>().Issue(jobId);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(first).WithCancellationToken(Ct)).ResponseAsync);
        var response = await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(second).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(jobId, response.Job.JobId);
    }

    [Fact]
    public async Task Tokens_AfterEveryKindOfCall_NeverInLogsOrStatusMessages()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var (otherJob, otherToken) = await host.LaunchTicketAsync("PAY-2", cancellationToken: Ct);
        var details = new List<string>();
        foreach (var (rpc, id, bearer) in new[] { ("Handshake", jobId, token), ("Handshake", otherJob, token), ("Heartbeat", otherJob, otherToken) })
        {
            details.Add(await WorkerCalls.StatusDetailAsync(host.Worker, rpc, id, ConductorHost.Bearer(bearer), Ct));
        }

        foreach (var rpc in Rpcs)
        {
            details.Add(await WorkerCalls.StatusDetailAsync(host.Worker, rpc, jobId, ConductorHost.Bearer(token), Ct));
            details.Add(await WorkerCalls.StatusDetailAsync(host.Worker, rpc, otherJob, ConductorHost.Bearer(token), Ct));
        }

        Assert.Contains(host.Logs.Entries, e => e.EventName == "WorkerCallRejected");
        Assert.Contains(host.Logs.Entries, e => e.EventName == "HandshakeAccepted");
        Assert.DoesNotContain(token, host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(otherToken, host.Logs.AllText, StringComparison.Ordinal);
        Assert.All(details, d => Assert.DoesNotContain(token, d, StringComparison.Ordinal));
    }
}
