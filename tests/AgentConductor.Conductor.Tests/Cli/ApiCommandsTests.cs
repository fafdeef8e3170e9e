using System.Text.Json;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Tests.Api;
using AgentConductor.Conductor.Tests.Costs;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Cli;

/// <summary><c>status</c>, <c>jobs</c>, <c>show</c> and <c>logs</c>: the real binary against a running conductor.</summary>
public sealed class ApiCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_TableForPeopleJsonForScripts()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        await JobDetailTests.PostTicketAsync(host, "PAY-1");

        var table = await RunAsync(host, "status");
        var json = await RunAsync(host, "status", "--json");

        Assert.Matches(@"gate\s+Open", table);
        Assert.Matches(@"pending jobs\s+1", table);
        Assert.Matches(@"sqs intake\s+off", table);
        Assert.Equal(1, JsonDocument.Parse(json).RootElement.GetProperty("pendingJobs").GetInt32());
    }

    [Fact]
    public async Task Jobs_UntrustedTitle_PrintedAsPlainTextWithoutTerminalControl()
    {
        await using var host = await ConductorHost.StartAsync(["--Dispatch:MaxActive=1"], cancellationToken: Ct);
        var (running, _) = await host.LaunchTicketAsync("PAY-1", summary: "Refunds [red]fail[/] \u001b[2J now", cancellationToken: Ct);
        var waiting = await JobDetailTests.PostTicketAsync(host, "PAY-2");

        var table = await RunAsync(host, "jobs");
        var pending = await RunAsync(host, "jobs", "--state", "pending", "--json");

        Assert.Contains(running, table, StringComparison.Ordinal);
        Assert.Contains("Refunds [red]fail[/]", table, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', table);
        Assert.Matches($@"{waiting}\s+pending\s+PAY-2\s+Summary of PAY-2\s+#1 max_active", table);
        var job = Assert.Single(JsonDocument.Parse(pending).RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal(waiting, job.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Show_JobWithItsFactsAndAuditTrail()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-3", summary: "Fix the refund endpoint", cancellationToken: Ct);
        using (await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=wrong+repository", null, Ct))
        {
        }

        var text = await RunAsync(host, "show", jobId);
        var json = await RunAsync(host, "show", jobId, "--json");
        var (exit, _, stderr) = await ConductorProcess.RunAsync(["show", "nope", "--url", host.ApiAddress.ToString()]);

        Assert.Matches(@"title\s+Fix the refund endpoint", text);
        Assert.Matches(@"cancel requested\s+\S+ \S+: wrong repository", text);
        Assert.Matches(@"launching -> launched\s+test", text);
        Assert.Matches(@"cancel requested\s+wrong repository", text);
        Assert.Equal("PAY-3", JsonDocument.Parse(json).RootElement.GetProperty("ticket").GetProperty("key").GetString());
        Assert.Equal(1, exit);
        Assert.Contains("404 no job nope", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowAndJobs_FollowUp_PrintItsLineageFromEitherJobAndItsSubject()
    {
        await using var host = await WorkerApi.FollowUpHandshakeTests.StartAsync();
        var (parent, pr) = await WorkerApi.FollowUpHandshakeTests.OpenPullRequestAsync(host, session: null);
        var followUp = await WorkerApi.FollowUpHandshakeTests.SendBackAsync(host, pr);

        var fromFollowUp = await RunAsync(host, "show", followUp);
        var fromParent = await RunAsync(host, "show", parent);
        var jobs = await RunAsync(host, "jobs", "--kind", "followup", "--json");

        Assert.Matches(@"title\s+Follow-up 1 on pull request #7: Summary of PAY-412", fromFollowUp);
        Assert.Matches($@"opened by\s+{parent}\s", fromFollowUp);
        Assert.Matches(@"pull request\s+https://github.com/acme/pay/pull/7", fromFollowUp);
        Assert.Matches($@"1\s+{followUp} \(this job\)\s+pending\s+2", fromFollowUp);
        Assert.Matches($@"opened by\s+{parent} \(this job\)", fromParent);
        Assert.Matches($@"1\s+{followUp}\s+pending", fromParent);
        Assert.Matches($@"subject\s+follow-up 1 of {parent}", fromFollowUp);
        var listed = Assert.Single(JsonDocument.Parse(jobs).RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal((followUp, parent, 1), (listed.GetProperty("id").GetString(), listed.GetProperty("parentJobId").GetString(), listed.GetProperty("followUpSequence").GetInt32()));
    }

    [Fact]
    public async Task ShowJobsAndCosts_JobStoppedAtItsBudget_PrintItsOutcomeAndCost()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync([.. PricedJobs.Prices, "--Budget:DailyCost=10"], time, cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-9", Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        await PricedJobs.ReportAsync(
            host, token,
            new ReportResultRequest
            {
                JobId = jobId, Status = ResultStatus.BudgetExceeded, Usage = PricedJobs.Usage(1_000_000),
                Error = new ResultError { Code = "budget_exceeded", Message = "spent 5.02 USD of the job's 5.00 USD limit" },
            },
            Ct);

        var show = await RunAsync(host, "show", jobId);
        var jobs = await RunAsync(host, "jobs");
        var costs = await RunAsync(host, "costs");

        Assert.Matches(@"state\s+budget_exceeded: worker reported budget_exceeded", show);
        Assert.Matches(@"cost\s+1\.28 USD \(tokens 1\.25 USD at default prices, worker 0\.03 USD for 5m00s of container\); model the agent's default model", show);
        Assert.Matches(@"stopped at budget\s+\S+ \S+: spent 5\.02 USD of the job's 5\.00 USD limit", show);
        Assert.Matches(@"subject cost\s+1\.28 USD for 1 jobs of this ticket", show);
        Assert.Matches($@"{jobId}\s+budget_exceeded\s+PAY-9.*1\.28 USD", jobs);
        Assert.Matches(@"total\s+1\.28 USD for 1 jobs", costs);
        Assert.Matches(@"2026-11-02\s+1\.28 USD\s+1\.25 USD\s+0\.03 USD\s+1", costs);
        Assert.Matches(@"PAY\s+1\.28 USD\s+1", costs);
        Assert.Matches(@"Budget:DailyCost\s+all\s+10\.00 USD\s+1\.28 USD\s+open", costs);
    }

    [Fact]
    public async Task Logs_PrintsEveryLineAndFollowEndsWhenTheJobEnds()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-4", cancellationToken: Ct);
        LogEndpointsTests.AppendLog(host, jobId, 1, "cloning");
        LogEndpointsTests.AppendLog(host, jobId, 2, "agent \u001b]0;title\u0007 done");
        host.Write(writer => writer.TryMove(jobId, JobState.Launched, JobState.Failed, "worker crashed", ConductorHost.T0));

        var page = await RunAsync(host, "logs", jobId);
        var followed = await RunAsync(host, "logs", jobId, "--follow");
        var json = await RunAsync(host, "logs", jobId, "--json", "--after", "1");

        Assert.Matches(@"^\d\d:\d\d:\d\d stdout\s+cloning\n\d\d:\d\d:\d\d stdout\s+agent  ?\]0;title  done\n$", page.ReplaceLineEndings("\n"));
        Assert.Equal(page, followed);
        Assert.Equal(2, JsonDocument.Parse(json.Trim()).RootElement.GetProperty("seq").GetInt32());
    }

    [Fact]
    public async Task Commands_ConductorNotRunning_SayWhereTheyLookedAndExitOne()
    {
        var (exit, _, stderr) = await ConductorProcess.RunAsync(["jobs", "--url", $"http://127.0.0.1:{FreePort.Next()}"]);

        Assert.Equal(1, exit);
        Assert.StartsWith("jobs: cannot reach the conductor at http://127.0.0.1:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_ApiKeyRequired_SayHowToGiveItAndUseTheVariable()
    {
        const string Key = "cli-test-key-0123456789";
        await using var host = await ConductorHost.StartAsync([$"--Api:Key={Key}"], cancellationToken: Ct);

        var (refused, _, stderr) = await ConductorProcess.RunAsync(["status", "--url", host.ApiAddress.ToString()]);
        var (accepted, stdout, _) = await ConductorProcess.RunAsync(
            ["status", "--url", host.ApiAddress.ToString()], new Dictionary<string, string> { ["CONDUCTOR_API_KEY"] = Key });

        Assert.Equal(1, refused);
        Assert.Contains("requires its API key: pass --api-key or set CONDUCTOR_API_KEY", stderr, StringComparison.Ordinal);
        Assert.Equal(0, accepted);
        Assert.Matches(@"gate\s+Open", stdout);
    }

    private static async Task<string> RunAsync(ConductorHost host, params string[] arguments)
    {
        var (exit, stdout, stderr) = await ConductorProcess.RunAsync([.. arguments, "--url", host.ApiAddress.ToString()]);
        Assert.True(exit == 0, $"{string.Join(' ', arguments)} exited {exit}: {stderr}");
        return stdout;
    }
}
