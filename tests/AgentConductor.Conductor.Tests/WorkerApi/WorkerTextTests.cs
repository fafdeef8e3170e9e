using AgentConductor.Conductor.Tests.Storage;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>What a worker reports (log lines, its result's summary and error) is stored whole, NUL characters included.</summary>
public sealed class WorkerTextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProgressAndResult_WithNulCharacters_AreStoredWhole()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, cancellationToken: Ct);
        var line = VerbatimTextTests.WithNul(new string('l', 1000), "middle");
        var summary = VerbatimTextTests.WithNul(new string('s', 2000), "end");
        var message = VerbatimTextTests.WithNul(new string('e', 700), "middle");

        await host.Worker.PublishAllAsync(WorkerCalls.Updates(jobId, new ProgressUpdate { JobId = jobId, Log = new LogLine { Stream = LogStream.Stdout, Text = line } }), ConductorHost.Bearer(token).WithCancellationToken(Ct));
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = ResultStatus.Failed, Summary = summary, Error = new ResultError { Code = "agent_failed", Message = message } }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(line, host.Scalar("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(summary, host.Scalar("SELECT summary FROM job_results WHERE job_id = @id", ("@id", jobId)));
        Assert.Equal(message, host.Scalar("SELECT error_message FROM job_results WHERE job_id = @id", ("@id", jobId)));
    }
}
