using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jira;
using AgentConductor.TestSupport.Webhooks;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>The outbox rows a state change writes: in its transaction, one per (event, destination), only for destinations that take it.</summary>
public sealed class NotifyOutboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StateChanges_WebhookAndJira_OneEventPerChangeAndOneDeliveryPerDestinationThatTakesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, jira);

        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-1", Ct);

        var events = host.Events(jobId);
        Assert.Equal(["job.pending", "job.launching", "job.launched", "job.connected", "job.running"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Matches("^evt_[0-9a-z]{26}$", e.Id));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(
            events.Select(e => $"{e.Id} webhook:ops").Append($"{events[^1].Id} jira").Order(StringComparer.Ordinal),
            host.Strings("SELECT event_id || ' ' || destination FROM notify_deliveries").Order(StringComparer.Ordinal));
        Assert.Equal(
            host.Strings("SELECT id FROM job_events WHERE job_id = @job ORDER BY id", ("@job", jobId)),
            host.Strings("SELECT job_event_id FROM notify_events WHERE job_id = @job ORDER BY seq", ("@job", jobId)));
        Assert.Equal(["pending"], host.Strings("SELECT DISTINCT state FROM notify_deliveries"));
    }

    [Fact]
    public async Task StateChanges_NothingConfigured_WriteNoNotification()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        await NotifyHost.RunTicketAsync(host, "PAY-2", Ct);

        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM notify_events"));
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM notify_deliveries"));
    }

    [Fact]
    public async Task StateChange_RolledBack_LeavesNoNotification_Committed_LeavesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var host = await NotifyHost.StartAsync(Ct, receiver);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-3", cancellationToken: Ct);
        var before = (long)host.Scalar("SELECT count(*) FROM notify_deliveries")!;

        using (var connection = host.Database.OpenConnection())
        using (var transaction = connection.BeginTransaction())
        using (var db = new Statements(connection) { Transaction = transaction })
        {
            Assert.True(new JobWriter(db).TryMove(jobId, JobState.Launched, JobState.Failed, "rolled back", ConductorHost.T0));
            transaction.Rollback();
        }

        Assert.Equal(before, host.Scalar("SELECT count(*) FROM notify_deliveries"));
        host.Write(writer => writer.TryMove(jobId, JobState.Launched, JobState.Failed, "committed", ConductorHost.T0));
        Assert.Equal(before + 1, host.Scalar("SELECT count(*) FROM notify_deliveries"));
        Assert.Equal("committed", host.Scalar("SELECT reason FROM notify_events WHERE type = 'job.failed'"));
    }

    [Fact]
    public async Task IncidentJob_GoesToTheWebhooksOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, jira);
        var (jobId, token) = await host.LaunchIncidentAsync("123456789012", "orders-api-5xx", Ct);
        await NotifyHost.StartWorkAsync(host, jobId, token);
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Failed("agent_failed", "the agent exited with code 1"));

        Assert.Equal(6, host.Events(jobId).Count);
        Assert.Equal(["webhook:ops"], host.Strings("SELECT DISTINCT destination FROM notify_deliveries"));
    }

    [Fact]
    public async Task WebhookEventsFilter_OnlyThoseTypesAreWritten()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var host = await NotifyHost.StartAsync(
            Ct, receiver, settings: ["--Notify:Webhooks:0:Events:0=job.succeeded", "--Notify:Webhooks:0:Events:1=job.failed"]);

        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-4", Ct);
        Assert.Empty(host.Events(jobId));
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        Assert.Equal(["job.succeeded"], host.Events(jobId).Select(e => e.Type));
    }

    [Fact]
    public async Task BudgetStop_IsAnEventOfItsOwn_WithoutAStateChange()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, jira);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-5", Ct);
        var changes = host.Count("job_events", jobId);

        host.Write(writer => writer.RecordBudgetStop(jobId, "spent 5.02 USD of the job's 5.00 USD cap", ConductorHost.T0.AddMinutes(3)));

        Assert.Equal(changes, host.Count("job_events", jobId));
        Assert.Equal("running", host.State(jobId));
        var stop = host.Events(jobId)[^1];
        Assert.Equal("job.budget_stopped", stop.Type);
        Assert.Null(host.Scalar("SELECT job_event_id FROM notify_events WHERE id = @id", ("@id", stop.Id)));
        Assert.Equal(["webhook:ops"], host.Strings("SELECT destination FROM notify_deliveries WHERE event_id = @id ORDER BY destination", ("@id", stop.Id))); // Jira comments on the end
    }

    [Fact]
    public async Task Restart_WithoutADestination_DeadLettersItsPendingDeliveriesAndWritesNoMore()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var jira = await FakeJiraServer.StartAsync(NotifyHost.JiraUser, NotifyHost.JiraToken);
        using var data = new TempDirectory();
        var database = $"--Storage:DatabasePath={data.File("conductor.db")}";
        string jobId;
        await using (var before = await NotifyHost.StartAsync(Ct, receiver, jira, settings: [database]))
        {
            jobId = await NotifyHost.RunTicketAsync(before, "PAY-6", Ct);
        }

        await using var after = await NotifyHost.StartAsync(Ct, receiver, settings: [database]);
        await NotifyHost.FinishAsync(after, jobId, NotifyHost.Succeeded());

        Assert.Equal("dead", after.Scalar("SELECT state FROM notify_deliveries WHERE destination = 'jira'"));
        Assert.Equal("the destination is no longer configured", after.Scalar("SELECT last_error FROM notify_deliveries WHERE destination = 'jira'"));
        Assert.Equal(["pending"], after.Strings("SELECT DISTINCT state FROM notify_deliveries WHERE destination = 'webhook:ops'"));
        Assert.Equal(1L, after.Scalar("SELECT count(*) FROM notify_deliveries WHERE destination = 'jira'"));
        Assert.Contains(after.Logs.Entries, e => e.EventName == "NotifyDestinationsRemoved");
    }
}
