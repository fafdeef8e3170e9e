using AgentConductor.Conductor.Scheduling;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Scheduling;

public sealed class TicketSchedulingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Schedule_FirstSighting_CreatesOnePendingJobWithAuditRow()
    {
        using var harness = new SchedulerHarness();

        var result = await harness.SendAsync("m1", Messages.TicketCreated("PAY-412", T0), T0);

        var decision = Assert.Single(result.Decisions);
        Assert.Equal(DecisionKind.Ticket, decision.Kind);
        Assert.Equal("PAY-412", decision.TicketKey);
        Assert.Equal("m1", decision.MessageId);
        Assert.Equal(1, harness.Count("jobs", "state = 'pending' AND ticket_key = 'PAY-412'"));
        Assert.Equal(1, harness.Count("job_events", $"job_id = '{decision.JobId}' AND to_state = 'pending' AND from_state IS NULL"));
        Assert.Equal(1, harness.Count("events", "message_id = 'm1' AND kind = 'ticket' AND ticket_key = 'PAY-412'"));
    }

    [Fact]
    public async Task Schedule_SameMessageIdRedelivered_IsNoOp()
    {
        using var harness = new SchedulerHarness();
        var body = Messages.TicketCreated("PAY-1", T0);
        await harness.SendAsync("m1", body, T0);

        var again = await harness.SendAsync("m1", body, T0.AddMinutes(5));

        Assert.Empty(again.Decisions);
        Assert.Equal(MessageDisposition.Duplicate, Assert.Single(again.Messages).Disposition);
        Assert.Equal(1, harness.Count("events"));
        Assert.Equal(1, harness.Count("jobs"));
    }

    [Fact]
    public async Task Schedule_UpdatesAndResendsWithNewIds_NeverAddAJob()
    {
        using var harness = new SchedulerHarness();
        await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);

        var update = await harness.SendAsync("m2", Messages.TicketUpdated("PAY-1", T0.AddMinutes(1), "New summary"), T0.AddMinutes(1));
        var resend = await harness.SendAsync("m3", Messages.TicketCreated("PAY-1", T0), T0.AddMinutes(2));

        Assert.Empty(update.Decisions);
        Assert.Empty(resend.Decisions);
        Assert.Equal(1, harness.Count("jobs"));
        Assert.Equal(3, harness.Count("events"));
        Assert.Equal("New summary", harness.Scalar("SELECT summary FROM tickets WHERE key = 'PAY-1'"));
        Assert.Equal(3L, harness.Scalar("SELECT sightings FROM tickets WHERE key = 'PAY-1'"));
    }

    [Fact]
    public async Task Schedule_OlderSightingAfterNewer_DoesNotOverwriteFields()
    {
        using var harness = new SchedulerHarness();
        await harness.SendAsync("m1", Messages.TicketUpdated("PAY-1", T0.AddMinutes(10), "Newest"), T0.AddMinutes(10));

        await harness.SendAsync("m2", Messages.TicketUpdated("PAY-1", T0, "Oldest"), T0.AddMinutes(11));

        Assert.Equal("Newest", harness.Scalar("SELECT summary FROM tickets WHERE key = 'PAY-1'"));
    }

    [Fact]
    public async Task Schedule_ProjectNotAllowed_StoresTicketWithoutJob()
    {
        using var harness = new SchedulerHarness(new SchedulerOptions { AllowedProjects = ["PAY"] });

        var result = await harness.SendAsync("m1", Messages.TicketCreated("ENG-7", T0), T0);

        Assert.Empty(result.Decisions);
        Assert.Equal(1, harness.Count("tickets", "key = 'ENG-7'"));
        Assert.Equal(0, harness.Count("jobs"));
        Assert.Contains("not allowed", Assert.Single(result.Messages).Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_RequiredLabelAddedLater_SchedulesOnThatSighting()
    {
        using var harness = new SchedulerHarness(new SchedulerOptions { RequiredLabel = "agent" });

        var unlabelled = await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);
        var labelled = await harness.SendAsync("m2", Messages.TicketUpdated("PAY-1", T0.AddMinutes(1), "s", "Agent"), T0.AddMinutes(1));
        var later = await harness.SendAsync("m3", Messages.TicketUpdated("PAY-1", T0.AddMinutes(2), "s", "agent"), T0.AddMinutes(2));

        Assert.Empty(unlabelled.Decisions);
        Assert.Equal("m2", Assert.Single(labelled.Decisions).MessageId);
        Assert.Empty(later.Decisions);
        Assert.Equal(1, harness.Count("jobs"));
    }

    [Fact]
    public async Task Schedule_DeletedBeforeLaunch_CancelsPendingJob()
    {
        using var harness = new SchedulerHarness();
        var created = await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);

        var deleted = await harness.SendAsync("m2", Messages.TicketDeleted("PAY-1", T0.AddMinutes(1)), T0.AddMinutes(1));

        var jobId = Assert.Single(created.Decisions).JobId;
        Assert.Equal(jobId, Assert.Single(deleted.CancelledJobIds));
        Assert.Equal("cancelled", harness.Scalar($"SELECT state FROM jobs WHERE id = '{jobId}'"));
        Assert.Equal(1, harness.Count("job_events", $"job_id = '{jobId}' AND from_state = 'pending' AND to_state = 'cancelled'"));
    }

    [Fact]
    public async Task Schedule_DeletedAfterLaunch_LeavesJobAlone()
    {
        using var harness = new SchedulerHarness();
        var jobId = Assert.Single((await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0)).Decisions).JobId;
        harness.Scalar($"UPDATE jobs SET state = 'running' WHERE id = '{jobId}'");

        var deleted = await harness.SendAsync("m2", Messages.TicketDeleted("PAY-1", T0.AddMinutes(1)), T0.AddMinutes(1));

        Assert.Empty(deleted.CancelledJobIds);
        Assert.Equal("running", harness.Scalar($"SELECT state FROM jobs WHERE id = '{jobId}'"));
        Assert.Contains("already launched", Assert.Single(deleted.Messages).Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_DeleteArrivesBeforeCreate_NeverSchedules()
    {
        using var harness = new SchedulerHarness();

        await harness.SendAsync("m1", Messages.TicketDeleted("PAY-1", T0.AddMinutes(1)), T0);
        var created = await harness.SendAsync("m2", Messages.TicketCreated("PAY-1", T0), T0.AddMinutes(1));

        Assert.Empty(created.Decisions);
        Assert.Equal(0, harness.Count("jobs"));
    }

    [Fact]
    public async Task Schedule_BatchAndOneByOne_GiveTheSameDecisions()
    {
        var messages = Enumerable.Range(1, 30)
            .Select(i => new InboundMessage($"m{i}", Messages.TicketCreated($"PAY-{(i % 7) + 1}", T0.AddSeconds(i)), T0.AddSeconds(i)))
            .ToList();
        using var batched = new SchedulerHarness();
        using var single = new SchedulerHarness();

        var batchDecisions = (await batched.SendBatchAsync(messages)).Decisions;
        var singleDecisions = new List<Decision>();
        foreach (var message in messages)
        {
            singleDecisions.AddRange((await single.SendBatchAsync([message])).Decisions);
        }

        Assert.Equal(7, batchDecisions.Count);
        Assert.Equal(batchDecisions.Select(d => (d.TicketKey, d.MessageId)), singleDecisions.Select(d => (d.TicketKey, d.MessageId)));
    }

    [Fact]
    public async Task Schedule_AfterRestart_RemembersTickets()
    {
        using var harness = new SchedulerHarness();
        await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);

        harness.Restart();
        var again = await harness.SendAsync("m2", Messages.TicketCreated("PAY-1", T0), T0.AddHours(1));
        var redelivered = await harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0.AddHours(1));

        Assert.Empty(again.Decisions);
        Assert.Equal(MessageDisposition.Duplicate, Assert.Single(redelivered.Messages).Disposition);
        Assert.Equal(1, harness.Count("jobs"));
    }

    [Fact]
    public async Task Schedule_RejectedMessage_IsStoredWithReasonAndLoopGoesOn()
    {
        using var harness = new SchedulerHarness();

        var result = await harness.SendBatchAsync(
        [
            new InboundMessage("bad", "{not json", T0),
            new InboundMessage("good", Messages.TicketCreated("PAY-1", T0), T0),
        ]);

        Assert.Equal(MessageDisposition.Rejected, result.Messages[0].Disposition);
        Assert.Equal("malformed_json", result.Messages[0].RejectReason);
        Assert.Single(result.Decisions);
        Assert.Equal("{not json", harness.Scalar("SELECT body FROM events WHERE message_id = 'bad'"));
        Assert.Equal("malformed_json", harness.Scalar("SELECT reason FROM rejected_messages WHERE message_id = 'bad'"));
    }

    [Fact]
    public async Task Schedule_OversizedBody_IsRejectedAndStoredCut()
    {
        using var harness = new SchedulerHarness(intake: new AgentConductor.Conductor.Intake.IntakeOptions { MaxBodyBytes = 2048 });
        var body = "{\"pad\":\"" + new string('x', 5000) + "\"}";

        var result = await harness.SendAsync("big", body, T0);

        Assert.Equal("too_large", Assert.Single(result.Messages).RejectReason);
        Assert.Equal(1, harness.Count("events", "message_id = 'big' AND body_truncated = 1 AND length(body) = 2048"));
    }
}
