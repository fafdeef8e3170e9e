using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Sqs;

/// <summary>The SQS client (AWSSDK.SQS) against the real local-aws-sqs emulator.</summary>
public sealed class SqsClientTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly SqsReceiveOptions Quick = new(10, TimeSpan.FromSeconds(1), null, ["IdempotencyKey"]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqsEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task SendReceiveDelete_Batch_RoundTripsBodiesAttributesAndDeletes()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client"), cancellationToken: Ct);
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage($"{{\"n\":{i}}}", new Dictionary<string, string> { ["IdempotencyKey"] = $"key-{i}", ["Other"] = "x" }), Ct));
        }

        var received = await ReceiveAllAsync(queue, 3);

        Assert.Equal(sent.Order(), received.Select(m => m.MessageId).Order());
        Assert.All(received, m => Assert.Equal("key-" + m.Body[5], m.Attributes["IdempotencyKey"]));
        Assert.All(received, m => Assert.False(m.Attributes.ContainsKey("Other")));
        var deleted = await Emulator.Client.DeleteBatchAsync(queue, received, Ct);
        Assert.Equal(sent.Order(), deleted.Succeeded.Order());
        Assert.Empty(deleted.Failed);
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task DeleteBatch_OneBadReceiptHandle_FailsThatEntryOnly()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client"), cancellationToken: Ct);
        await Emulator.SendAsync(queue, "{}", Ct);
        var good = Assert.Single(await ReceiveAllAsync(queue, 1));
        var bad = good with { MessageId = "not-a-message", ReceiptHandle = "not-a-receipt-handle" };

        var result = await Emulator.Client.DeleteBatchAsync(queue, [bad, good], Ct);

        Assert.Equal([good.MessageId], result.Succeeded);
        var failure = Assert.Single(result.Failed);
        Assert.Equal("not-a-message", failure.MessageId);
        Assert.True(failure.SenderFault);
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task ChangeVisibilityBatch_Zero_MakesTheMessageReceivableAgain()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client"), new Dictionary<string, string> { ["VisibilityTimeout"] = "300" }, Ct);
        await Emulator.SendAsync(queue, "{}", Ct);
        var first = Assert.Single(await ReceiveAllAsync(queue, 1));
        Assert.Empty(await Emulator.Client.ReceiveAsync(queue, Quick with { WaitTime = TimeSpan.Zero }, Ct));

        var changed = await Emulator.Client.ChangeVisibilityBatchAsync(queue, [first], TimeSpan.Zero, Ct);

        Assert.Equal([first.MessageId], changed.Succeeded);
        var again = Assert.Single(await ReceiveAllAsync(queue, 1));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.NotEqual(first.ReceiptHandle, again.ReceiptHandle);
    }

    [Fact]
    public async Task Send_FifoWithTheSameDeduplicationId_IsDeliveredOnce()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client", fifo: true), new Dictionary<string, string> { ["FifoQueue"] = "true" }, Ct);

        var first = await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage("{\"a\":1}", GroupId: "PAY-1", DeduplicationId: "d1"), Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage("{\"a\":2}", GroupId: "PAY-1", DeduplicationId: "d1"), Ct);
        await Emulator.Client.SendAsync(queue, new SqsOutgoingMessage("{\"a\":3}", GroupId: "PAY-1", DeduplicationId: "d2"), Ct);

        var received = await ReceiveAllAsync(queue, 2);
        Assert.Equal(first, received[0].MessageId);
        Assert.Equal(["{\"a\":1}", "{\"a\":3}"], received.Select(m => m.Body));
    }

    [Fact]
    public async Task Receive_QueueThatDoesNotExist_IsARequestErrorNamingTheMissingQueue()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client"), cancellationToken: Ct);

        var receive = await Assert.ThrowsAsync<AwsRequestException>(() => Emulator.Client.ReceiveAsync(queue + "-missing", Quick, Ct));
        var send = await Assert.ThrowsAsync<AwsRequestException>(() => Emulator.Client.SendAsync(queue + "-missing", new SqsOutgoingMessage("{}"), Ct));

        Assert.All([receive, send], e => Assert.Matches("NonExistentQueue|QueueDoesNotExist", e.Code));
        Assert.Equal("ReceiveMessage", receive.Operation);
        Assert.False(receive.IsTransient);
    }

    [Fact]
    public async Task Receive_EmptyQueue_ReturnsNoMessagesAfterTheWait()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("client"), cancellationToken: Ct);

        Assert.Empty(await Emulator.Client.ReceiveAsync(queue, Quick, Ct));
        Assert.Empty(await Emulator.Client.GetQueueAttributesAsync(queue, ["RedrivePolicy"], Ct));
    }

    private async Task<List<SqsMessage>> ReceiveAllAsync(string queue, int expected)
    {
        var messages = new List<SqsMessage>();
        for (var attempt = 0; attempt < 10 && messages.Count < expected; attempt++)
        {
            messages.AddRange(await Emulator.Client.ReceiveAsync(queue, Quick, Ct));
        }

        return messages;
    }
}
