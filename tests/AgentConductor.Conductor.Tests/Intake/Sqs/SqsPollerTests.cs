using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

/// <summary>One poll at a time against the real local-aws-sqs emulator and a real SQLite database.</summary>
public sealed class SqsPollerTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly SqsIntakeRig _rig = new(busyTimeout: TimeSpan.FromMilliseconds(100));
    private readonly RecordingSqsClient _client = new(fixture.Emulator.Client);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqsEmulator Emulator => fixture.Emulator;

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RunOnce_JiraTicket_StoresTheEventAndAJobThenDeletesTheMessage()
    {
        var queue = await NewQueueAsync();
        var messageId = await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-7", T0), Ct);

        var result = await Poller(queue).RunOnceAsync(Ct);

        Assert.Equal(new SqsPollResult(1, 1, 0, 0, 1, 0, 0), result);
        Assert.Equal("ticket", _rig.Scalar("SELECT kind FROM events WHERE message_id = @m", ("@m", messageId)));
        Assert.Equal("pending", _rig.Scalar("SELECT state FROM jobs WHERE ticket_key = 'PAY-7'"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
        Assert.Equal(new SqsIntakeSnapshot("polling", 1, 1, 0, 0, 1, 0, 0, _rig.Status.Snapshot().LastMessageAt, null, null), _rig.Status.Snapshot());
        Assert.Equal(1, _rig.Logs.Count("SqsBatch"));
    }

    [Fact]
    public async Task RunOnce_KilledBetweenCommitAndDelete_RedeliveryIsADuplicateNoOpAndIsDeleted()
    {
        // Longer than the 1 s long poll: local-aws-sqs keeps collecting until the wait ends, so a shorter visibility would
        // hand the same message back within the first receive.
        var queue = await NewQueueAsync(visibilitySeconds: 2);
        var messageId = await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-8", T0), Ct);
        _client.InterruptDeletes = 1;

        var first = await Poller(queue).RunOnceAsync(Ct);
        _rig.Restart();
        var after = await PollUntilAsync(Poller(queue), results => results.Sum(r => r.Received) > 0);

        Assert.Equal(new SqsPollResult(1, 1, 0, 0, 0, 1, 1), first);
        Assert.Equal(1, _rig.Logs.Count("SqsDeleteFailed"));
        Assert.Equal((1, 1, 0), (after.Sum(r => r.Duplicates), after.Sum(r => r.Deleted), after.Sum(r => r.Stored)));
        Assert.Equal(1L, _rig.Count("events", $"message_id = '{messageId}'"));
        Assert.Equal(1L, _rig.Count("jobs", "ticket_key = 'PAY-8'"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_TenMessages_StoresThemAndDeletesThemInOneBatchCall()
    {
        var queue = await NewQueueAsync();
        for (var i = 1; i <= 10; i++)
        {
            await Emulator.SendAsync(queue, Messages.TicketCreated($"OPS-{i}", T0), Ct);
        }

        var result = await Poller(queue).RunOnceAsync(Ct);

        Assert.Equal(new SqsPollResult(10, 10, 0, 0, 10, 0, 0), result);
        Assert.Equal([("DeleteMessageBatch", 10)], _client.BatchCalls);
        Assert.Equal(10L, _rig.Count("jobs"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_PoisonMessage_IsStoredWithItsReasonAndDeleted()
    {
        var queue = await NewQueueAsync();
        var poison = await Emulator.SendAsync(queue, "{\"this is\": not json", Ct);
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-9", T0), Ct);

        var results = await PollUntilAsync(Poller(queue), r => r.Sum(x => x.Received) >= 2);

        Assert.Equal((1, 1, 2), (results.Sum(r => r.Stored), results.Sum(r => r.Rejected), results.Sum(r => r.Deleted)));
        Assert.Equal("malformed_json", _rig.Scalar("SELECT reason FROM rejected_messages WHERE message_id = @m", ("@m", poison)));
        Assert.Equal(1, _rig.Logs.Count("SqsMessageRejected"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_PoisonMessageNotDeleted_IsStoredOnceAndTheRedrivePolicyMovesItToTheDeadLetterQueue()
    {
        var (queue, deadLetters) = await Emulator.CreateQueueWithDeadLetterQueueAsync(SqsEmulatorFixture.UniqueName("poison"), maxReceiveCount: 2, visibilityTimeoutSeconds: 1, Ct);
        var poison = await Emulator.SendAsync(queue, "not json at all", Ct);
        var poller = Poller(queue, deleteRejected: false);

        var results = new List<SqsPollResult>();
        for (var poll = 0; poll < 15 && await Emulator.CountAsync(deadLetters, Ct) == 0; poll++)
        {
            results.Add(await poller.RunOnceAsync(Ct));
        }

        Assert.Equal(1, await Emulator.CountAsync(deadLetters, Ct));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
        Assert.Equal(1, results.Sum(r => r.Rejected));
        Assert.True(results.Sum(r => r.Duplicates) >= 1, "the redelivery before the redrive is a duplicate");
        Assert.Equal(0, results.Sum(r => r.Deleted));
        Assert.Equal(1L, _rig.Count("rejected_messages", $"message_id = '{poison}'"));
    }

    [Fact]
    public async Task RunOnce_FifoQueueWithDeduplicationIds_DeliversAndStoresEachMessageOnce()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("intake", fifo: true), new Dictionary<string, string> { ["FifoQueue"] = "true" }, Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage(Messages.TicketCreated("PAY-20", T0), GroupId: "jira", DeduplicationId: "PAY-20-created"), Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage(Messages.TicketCreated("PAY-20", T0), GroupId: "jira", DeduplicationId: "PAY-20-created"), Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage(Messages.TicketCreated("PAY-21", T0), GroupId: "jira", DeduplicationId: "PAY-21-created"), Ct);

        var results = await PollUntilAsync(Poller(queue), r => r.Sum(x => x.Received) >= 2);

        Assert.Equal((2, 2, 0), (results.Sum(r => r.Stored), results.Sum(r => r.Deleted), results.Sum(r => r.Duplicates)));
        Assert.Equal(2L, _rig.Count("jobs"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_SameIdempotencyKeyAttribute_StoresOnceAndDeletesBoth()
    {
        var queue = await NewQueueAsync();
        var attributes = new Dictionary<string, string> { [SqsMessageKey.AttributeName] = "jira-webhook:abc-123" };
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage(Messages.TicketCreated("PAY-30", T0), attributes), Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage(Messages.TicketCreated("PAY-30", T0), attributes), Ct);

        var results = await PollUntilAsync(Poller(queue), r => r.Sum(x => x.Received) >= 2);

        Assert.Equal((1, 1, 2), (results.Sum(r => r.Stored), results.Sum(r => r.Duplicates), results.Sum(r => r.Deleted)));
        Assert.Equal(1L, _rig.Count("events", "message_id = 'jira-webhook:abc-123'"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_GateClosed_ReceivesNothingUntilItReopens()
    {
        var queue = await NewQueueAsync();
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-40", T0), Ct);
        _rig.Flag(shuttingDown: true);
        var poller = Poller(queue);

        var closed = await poller.RunOnceAsync(Ct);

        Assert.Equal(SqsPollResult.GateClosed, closed);
        Assert.Equal(0, _client.Receives);
        Assert.Equal("paused", _rig.Status.Snapshot().State);
        Assert.Equal(1, await Emulator.CountAsync(queue, Ct));

        // A gate closed by a flag that was already true at startup reopens when the flag turns false.
        _rig.Restart();
        Assert.True(_rig.Gate.IsClosed);
        Assert.True((await Poller(queue).RunOnceAsync(Ct)).Paused);
        _rig.Flag(shuttingDown: false);

        var reopened = await PollUntilAsync(Poller(queue), r => r.Sum(x => x.Received) > 0);
        Assert.Equal(1, reopened.Sum(r => r.Stored));
        Assert.Equal(1L, _rig.Count("jobs", "ticket_key = 'PAY-40'"));
    }

    [Fact]
    public async Task RunOnce_DatabaseBusy_LeavesTheBatchInTheQueueVisibleAgainSoon()
    {
        var queue = await NewQueueAsync(visibilitySeconds: 600);
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-50", T0), Ct);
        var poller = Poller(queue);

        SqsPollResult busy;
        using (var writer = _rig.Database.OpenConnection())
        using (var transaction = writer.BeginTransaction(deferred: false))
        {
            busy = await poller.RunOnceAsync(Ct);
        }

        Assert.Equal(new SqsPollResult(1, 0, 0, 0, 0, 0, 1), busy);
        Assert.Equal(1, _rig.Logs.Count("SqsDatabaseBusy"));
        Assert.Equal(1, _rig.Status.Snapshot().LeftForRetry);
        Assert.Contains(("ChangeMessageVisibilityBatch", 1), _client.BatchCalls);
        // BusyRetryDelay is zero here: the message comes straight back instead of after the queue's 600 s.
        var retried = await PollUntilAsync(poller, r => r.Sum(x => x.Received) > 0);
        Assert.Equal((1, 1), (retried.Sum(r => r.Stored), retried.Sum(r => r.Deleted)));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task RunOnce_NulCharacters_AreStoredWhole()
    {
        var queue = await NewQueueAsync();
        var summary = "before-nul\0" + new string('s', 1000);
        var escaped = await Emulator.SendAsync(queue, Messages.TicketUpdated("PAY-11", T0, summary), Ct);
        var raw = "{\"pad\":\"" + new string('x', 300) + "\0" + new string('y', 700) + "\"}";
        var rawId = await Emulator.SendAsync(queue, raw, Ct);

        var results = await PollUntilAsync(Poller(queue), r => r.Sum(p => p.Received) >= 2);

        Assert.Equal(2, results.Sum(r => r.Received));
        Assert.Equal(summary, _rig.Scalar("SELECT summary FROM tickets WHERE key = 'PAY-11'"));
        Assert.Equal(Messages.TicketUpdated("PAY-11", T0, summary), _rig.Scalar("SELECT body FROM events WHERE message_id = @m", ("@m", escaped)));
        Assert.Equal(raw, _rig.Scalar("SELECT body FROM events WHERE message_id = @m", ("@m", rawId)));
    }

    [Fact]
    public async Task RunOnce_VisibilityTimeoutSet_AnUndeletedMessageComesBackAfterItInsteadOfTheQueues()
    {
        var queue = await NewQueueAsync(visibilitySeconds: 600);
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-12", T0), Ct);
        _client.InterruptDeletes = 1;
        var poller = Poller(queue, visibility: TimeSpan.FromSeconds(2));

        var first = await poller.RunOnceAsync(Ct);
        var after = await PollUntilAsync(poller, results => results.Sum(r => r.Received) > 0);

        Assert.Equal((1, 1), (first.Received, first.Stored));
        Assert.Equal((1, 1), (after.Sum(r => r.Duplicates), after.Sum(r => r.Deleted)));
    }

    private SqsPoller Poller(string queue, bool deleteRejected = true, TimeSpan? visibility = null) => _rig.Poller(_client, new SqsIntakeOptions
    {
        QueueUrl = queue,
        WaitTimeSeconds = 1,
        MaxMessages = 10,
        DeleteRejected = deleteRejected,
        BusyRetryDelay = TimeSpan.Zero,
        VisibilityTimeout = visibility,
    });

    private Task<string> NewQueueAsync(int? visibilitySeconds = null) =>
        Emulator.CreateQueueAsync(
            SqsEmulatorFixture.UniqueName("intake"),
            visibilitySeconds is { } seconds ? new Dictionary<string, string> { ["VisibilityTimeout"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
            Ct);

    private static async Task<List<SqsPollResult>> PollUntilAsync(SqsPoller poller, Func<List<SqsPollResult>, bool> done, int maxPolls = 10)
    {
        var results = new List<SqsPollResult>();
        while (results.Count < maxPolls && !done(results))
        {
            results.Add(await poller.RunOnceAsync(Ct));
        }

        Assert.True(done(results), $"not done after {results.Count} polls: {string.Join("; ", results)}");
        return results;
    }
}
