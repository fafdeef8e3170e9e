using System.Net;
using System.Text;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentConductor.Dashboard.Tests;

/// <summary>
/// The dashboard as an operator uses it: a real conductor (the production wiring on 127.0.0.1, a fake launcher), messages
/// posted to its API, and Chromium watching the pages change. The tests wait for what the page shows, never for a time.
/// </summary>
public sealed class DashboardTests(Browser browser)
{
    private static readonly DateTimeOffset T0 = ConductorHost.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_MessagesArrive_FleetJobsQueueAndIncidentsFollowAndAPendingJobIsCancelled()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (page, errors) = await browser.OpenAsync(host.ApiAddress);
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("gate")).ToHaveTextAsync("Open");
        await Expect(page.GetByTestId("sqs")).ToHaveTextAsync("off");
        await Expect(page.GetByTestId("pending")).ToHaveTextAsync("0");

        var ticketJob = await PostAsync(host, Messages.TicketCreated("PAY-1", T0));
        await PostAsync(host, Messages.Alarm("111122223333", T0, name: "orders-api-5xx"));
        await PostAsync(host, Messages.Alarm("111122223333", T0.AddMinutes(2), name: "orders-db-cpu"));

        // The fleet page refreshes itself.
        await Expect(page.GetByTestId("pending")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("jobs").Locator("tbody tr")).ToHaveCountAsync(2);

        // Jobs, filtered by kind, then by text.
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("jobs").Locator("tbody tr")).ToHaveCountAsync(2);
        await page.GetByTestId("filter-kind").SelectOptionAsync("incident");
        await Expect(page.GetByTestId("jobs").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("jobs")).ToContainTextAsync("incident 1 (account 111122223333)");
        await page.GetByTestId("filter-kind").SelectOptionAsync("");
        await page.GetByTestId("filter-text").FillAsync("pay-1");
        await page.GetByTestId("filter-text").PressAsync("Enter");
        await Expect(page.GetByTestId("jobs").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("title")).ToHaveTextAsync("Summary of PAY-1");

        // The queue says why each job waits: both go to the same repository, so the second waits for the first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Queue", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("wait-reason")).ToHaveTextAsync(["ready", "repository_claimed"]);

        // Incidents, with their alarms.
        await page.GetByRole(AriaRole.Link, new() { Name = "Incidents", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "#1", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("alarms").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("alarms")).ToContainTextAsync("orders-db-cpu");

        // Cancel the pending ticket job from its page: it is cancelled at once and leaves the queue.
        await page.GotoAsync($"/#/jobs/{ticketJob}");
        await Expect(page.GetByTestId("job-state")).ToContainTextAsync("pending");
        await Expect(page.GetByTestId("job-doing")).ToContainTextAsync("#1 ready");
        await page.GetByTestId("cancel-reason").FillAsync("duplicate of PAY-0");
        await page.GetByTestId("cancel").ClickAsync();
        await Expect(page.GetByTestId("cancel-outcome")).ToHaveTextAsync("cancelled");
        await Expect(page.GetByTestId("job-state")).ToContainTextAsync("cancelled: duplicate of PAY-0");
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("cancelled: duplicate of PAY-0");
        Assert.Equal("cancelled", host.State(ticketJob));
        await page.GotoAsync("/#/queue");
        await Expect(page.GetByTestId("wait-reason")).ToHaveTextAsync(["ready"]);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task JobPage_JobStoppedAtItsBudget_ShowsItsOutcomeCostAndStop()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await ConductorHost.StartAsync(
            [
                "--Prices:Default:Input=1.25", "--Prices:Default:CachedInput=0.125", "--Prices:Default:CacheWriteInput=1.5", "--Prices:Default:Output=10",
                "--Prices:Compute:ContainerHour=0.36",
            ],
            time,
            cancellationToken: Ct);
        var scheduled = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-PAY-9", Messages.TicketCreated("PAY-9", T0), T0)], Ct);
        var jobId = scheduled.Decisions.Single().JobId;
        await host.Services.GetRequiredService<Dispatcher>().RunOnceAsync(Ct);
        var auth = ConductorHost.Bearer(host.Launcher.Launches.Single().Token).WithCancellationToken(Ct);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, auth);
        time.Advance(TimeSpan.FromMinutes(5));
        await host.Worker.ReportResultAsync(
            new ReportResultRequest
            {
                JobId = jobId, Status = ResultStatus.BudgetExceeded, Branch = $"agent/{jobId}/fix", HeadCommit = "0123abcd",
                Usage = new TokenUsage { InputTokens = 1_000_000 },
                Error = new ResultError { Code = "budget_exceeded", Message = "spent 5.02 USD of the job's 5.00 USD limit" },
            },
            auth);
        var (page, errors) = await browser.OpenAsync(host.ApiAddress);

        await page.GotoAsync($"/#/jobs/{jobId}");
        await Expect(page.GetByTestId("job-state")).ToContainTextAsync("budget_exceeded");
        await Expect(page.GetByTestId("job-cost")).ToContainTextAsync("1.28 USD (tokens 1.25 USD at default prices, worker 0.03 USD for 5m00s of container)");
        await Expect(page.GetByTestId("job-budget-stop")).ToContainTextAsync("spent 5.02 USD of the job's 5.00 USD limit");
        await page.GotoAsync("/#/costs");
        await Expect(page.GetByTestId("costs-total")).ToHaveTextAsync("1.28 USD");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task JobPage_RunningJob_ShowsLiveLogAndPhaseAndIsCancelledFromThePage()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-7", summary: "Fix the refund endpoint", cancellationToken: Ct);
        host.Write(writer =>
        {
            writer.TryMove(jobId, JobState.Launched, JobState.Connected, "worker 1.0.0 connected (attempt 1)", T0);
            writer.TryMove(jobId, JobState.Connected, JobState.Running, "worker reports Cloning", T0);
        });
        host.Execute("UPDATE jobs SET worker_phase = 'Cloning', current_step = 'clone' WHERE id = @id", ("@id", jobId));
        var (page, errors) = await browser.OpenAsync(host.ApiAddress);

        await page.GotoAsync($"/#/jobs/{jobId}");
        await Expect(page.GetByTestId("job-title")).ToHaveTextAsync("Fix the refund endpoint");
        await Expect(page.GetByTestId("job-state")).ToContainTextAsync("running");
        await Expect(page.GetByTestId("job-doing")).ToHaveTextAsync("cloning: clone");

        // Lines the worker sends appear while the page is open, in order; so does its next phase.
        AppendLog(host, jobId, 1, "worker", "cloning https://github.example/acme/app.git (main)");
        await Expect(page.GetByTestId("log").Locator(".line")).ToHaveCountAsync(1);
        host.Execute("UPDATE jobs SET worker_phase = 'RunningAgent', current_step = '' WHERE id = @id", ("@id", jobId));
        AppendLog(host, jobId, 2, "stdout", "agent: reading the refund handler");
        AppendLog(host, jobId, 3, "stderr", "warning: slow test");
        await Expect(page.GetByTestId("log").Locator(".line")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("log").Locator(".line").Last).ToContainTextAsync("warning: slow test");
        await Expect(page.GetByTestId("job-doing")).ToHaveTextAsync("running_agent");

        // Cancel from the page: the worker is asked to stop; the audit trail shows the request and its reason.
        await page.GetByTestId("cancel-reason").FillAsync("wrong repository");
        await page.GetByTestId("cancel").ClickAsync();
        await Expect(page.GetByTestId("cancel-outcome")).ToContainTextAsync("cancel requested");
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("cancel requested");
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("wrong repository");
        await Expect(page.GetByTestId("job-cancel")).ToContainTextAsync("wrong repository");
        Assert.Equal("wrong repository", host.Scalar("SELECT cancel_reason FROM jobs WHERE id = @id", ("@id", jobId)));

        // The worker stops: the log ends and the page shows the final state, without the cancel button.
        host.Write(writer => writer.TryMove(jobId, JobState.Running, JobState.Cancelled, "worker reported cancelled", T0.AddMinutes(1)));
        await Expect(page.GetByTestId("log-state")).ToHaveTextAsync("ended (cancelled)");
        await Expect(page.GetByTestId("job-state")).ToContainTextAsync("cancelled");
        await Expect(page.GetByTestId("cancel")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task HostileTicketText_IsShownAsTextAndNeverRuns()
    {
        const string Hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> & \"quotes\"";
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var jobId = await PostAsync(host, SampleMessages.JiraWebhook("jira:issue_created", "PAY-66", Hostile, T0).ToJsonString());
        var (page, errors) = await browser.OpenAsync(host.ApiAddress);

        foreach (var path in (string[])["/", "/#/jobs", "/#/queue", $"/#/jobs/{jobId}"])
        {
            await page.GotoAsync(path);
            await Expect(page.GetByText(Hostile, new() { Exact = true }).First).ToBeVisibleAsync();
        }

        await Expect(page.GetByTestId("ticket-summary")).ToHaveTextAsync(Hostile);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__pwned"));
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ApiKey_Required_ThePageAsksForItAndSendsIt()
    {
        const string Key = "dashboard-test-key-0123456789";
        await using var host = await ConductorHost.StartAsync(settings: [$"--Api:Key={Key}"], cancellationToken: Ct);
        var (page, _) = await browser.OpenAsync(host.ApiAddress);

        await page.GotoAsync("/");
        await Expect(page.Locator("#key-form")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("requires its API key");
        await page.Locator("#key-input").FillAsync("not-the-key-but-long-enough");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.Locator("#key-form")).ToBeVisibleAsync();

        await page.Locator("#key-input").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.GetByTestId("gate")).ToHaveTextAsync("Open");
        await Expect(page.Locator("#key-form")).ToBeHiddenAsync();

        // The key lasts for the tab: a reload needs no new prompt.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("gate")).ToHaveTextAsync("Open");
        await Expect(page.Locator("#key-form")).ToBeHiddenAsync();
    }

    private static async Task<string> PostAsync(ConductorHost host, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync("/v1/events", content, Ct);
        var answer = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer);
        using var json = System.Text.Json.JsonDocument.Parse(answer);
        var decisions = json.RootElement.GetProperty("decisions");
        return decisions.GetArrayLength() > 0 ? decisions[0].GetProperty("jobId").GetString()! : "";
    }

    private static void AppendLog(ConductorHost host, string jobId, int seq, string stream, string text) =>
        host.Execute(
            "INSERT INTO job_logs (job_id, seq, at, stream, text) VALUES (@id, @seq, @at, @stream, @text)",
            ("@id", jobId), ("@seq", seq), ("@at", T0.AddSeconds(seq).ToUnixTimeMilliseconds()), ("@stream", stream), ("@text", text));
}
