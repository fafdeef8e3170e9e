using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Webhooks;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>
/// A restart in the middle of a delivery loses nothing and sends nothing twice with a new id: the delivery that was in
/// flight is sent again with the same event id and the same bytes, the others once each.
/// </summary>
public sealed class NotifyRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Crash_DuringADelivery_TheNextStartSendsItAgainWithTheSameIdAndTheRestOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        using var data = new TempDirectory();
        var crashed = data.File("crashed.db");
        string jobId;
        string inFlight;
        await using (var first = await NotifyHost.StartAsync(Ct, receiver))
        {
            jobId = await NotifyHost.RunTicketAsync(first, "PAY-20", Ct);
            receiver.RespondNext(200, count: 2);
            var events = first.Events(jobId);
            inFlight = events[2].Id;
            receiver.HoldNext(); // the third delivery arrives, and its answer never does

            var pass = first.PassAsync(Ct);
            await Eventually.ValueAsync(() => receiver.Held == 1 ? "held" : null, Ct);

            // The database as a crash at this instant leaves it: the third delivery claimed, the last two not yet tried.
            using (var source = first.Database.OpenConnection())
            using (var copy = new SqliteConnection($"Data Source={crashed}"))
            {
                copy.Open();
                source.BackupDatabase(copy);
            }

            receiver.ReleaseHeld();
            await pass;
        }

        Assert.Equal(3, receiver.Received.Count);
        await using var second = await NotifyHost.StartAsync(Ct, receiver, settings: [$"--Storage:DatabasePath={crashed}"]);
        Assert.Equal(1L, second.Scalar("SELECT count(*) FROM notify_deliveries WHERE claimed_at IS NULL AND attempts = 1 AND event_id = @id", ("@id", inFlight)));
        Assert.Contains(second.Logs.Entries, e => e.EventName == "NotifyInterruptedResent");

        await second.DrainAsync(Ct);

        receiver.AssertNoFailures();
        var expected = second.Events(jobId).Select(e => e.Id).ToList();
        Assert.Equal(5, expected.Count);
        Assert.Equal([.. expected.Take(3), inFlight, .. expected.Skip(3)], receiver.EventIds);
        Assert.Equal(expected.Order(StringComparer.Ordinal), receiver.EventIds.Distinct().Order(StringComparer.Ordinal));
        var twice = receiver.Received.Where(r => r.EventId == inFlight).ToList();
        Assert.Equal([1, 2], twice.Select(r => r.Attempt));
        Assert.Equal(twice[0].Body, twice[1].Body);
        Assert.Equal(1, receiver.Received.GroupBy(r => r.Type).Max(g => g.Select(r => r.EventId).Distinct().Count()));
        Assert.Equal(["delivered"], second.Strings("SELECT DISTINCT state FROM notify_deliveries"));
    }

    [Fact]
    public async Task Stop_DuringADelivery_TheNextStartSendsItAgainWithTheSameId()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        using var data = new TempDirectory();
        var database = $"--Storage:DatabasePath={data.File("conductor.db")}";
        string jobId;
        receiver.HoldNext();
        await using (var first = await NotifyHost.StartAsync(Ct, receiver, settings: [database], deliveryLoop: true))
        {
            jobId = await NotifyHost.RunTicketAsync(first, "PAY-21", Ct);
            await Eventually.ValueAsync(() => receiver.Held == 1 ? "held" : null, Ct);
        }

        var inFlight = receiver.Received.Single();
        await using var second = await NotifyHost.StartAsync(Ct, receiver, settings: [database], deliveryLoop: true);
        await Eventually.ValueAsync(() => second.Strings("SELECT DISTINCT state FROM notify_deliveries") is ["delivered"] ? "done" : null, Ct);

        receiver.AssertNoFailures();
        var expected = second.Events(jobId).Select(e => e.Id).ToList();
        Assert.Equal(expected[0], inFlight.EventId);
        Assert.Equal([.. expected.Take(1), .. expected], receiver.EventIds);
        Assert.Equal(inFlight.Body, receiver.Received.ElementAt(1).Body);
        Assert.Equal(2, receiver.Received.ElementAt(1).Attempt);
    }
}
