using AgentConductor.TestSupport;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Conductor;

public sealed class ConductorClientRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandshakeAsync_SevenUnavailable_SucceedsAfterDelaysThatGrowUpToTheCap()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Fail("Handshake", StatusCode.Unavailable, times: 7);
        var clock = new ObservedTimeProvider();
        var logger = new ListLogger<ConductorClient>();
        using var client = ConductorClients.Create(server.Address, clock, logger);

        var handshake = client.HandshakeAsync(new HandshakeRequest { WorkerVersion = "1.2.3" }, Ct);
        var delays = await clock.DriveAsync(handshake, Ct);
        var response = await handshake;

        Assert.Equal(FakeWorkerService.JobId, response.Job.JobId);
        Assert.Equal(new[] { 0.5, 1, 2, 4, 8, 15, 15 }.Select(TimeSpan.FromSeconds), delays);
        Assert.Equal(8, server.Calls("Handshake"));
        Assert.Equal(7, server.Handshakes.Single().HandshakeRetries);
        Assert.Equal("1.2.3", server.Handshakes.Single().WorkerVersion);
        Assert.Equal(7, logger.Count("ConductorCallRetrying"));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(FakeWorkerService.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandshakeAsync_AlwaysUnavailable_GivesUpAfterMaxTotalWait()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.FailAlways("Handshake", StatusCode.Unavailable);
        var clock = new ObservedTimeProvider();
        var logger = new ListLogger<ConductorClient>();
        var options = ConductorClients.WithoutDeadlines();
        using var client = ConductorClients.Create(server.Address, clock, logger, options);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), Ct);
        var delays = await clock.DriveAsync(handshake, Ct);
        var ex = await Assert.ThrowsAsync<ConductorUnreachableException>(() => handshake);

        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxTotalWait);
        Assert.Equal(options.MaxTotalWait, delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d));
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, options.MaxDelay));
        Assert.Equal(delays.Count + 1, ex.Attempts);
        Assert.Equal(server.Calls("Handshake"), ex.Attempts);
        Assert.Equal(options.MaxTotalWait, ex.Waited);
        Assert.Equal(StatusCode.Unavailable, ex.LastStatus);
        Assert.Equal(1, logger.Count("ConductorUnreachable"));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.Aborted)]
    public async Task HandshakeAsync_TransientStatusOnce_RetriesAndSucceeds(StatusCode status)
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Fail("Handshake", status);
        var clock = new ObservedTimeProvider();
        using var client = ConductorClients.Create(server.Address, clock);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), Ct);
        var delays = await clock.DriveAsync(handshake, Ct);

        Assert.Equal(FakeWorkerService.JobId, (await handshake).Job.JobId);
        Assert.Equal([TimeSpan.FromSeconds(0.5)], delays);
        Assert.Equal(2, server.Calls("Handshake"));
    }

    [Fact]
    public async Task HandshakeAsync_AttemptHangsPastItsDeadline_RetriedAsDeadlineExceeded()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.HangFirstHandshake = true;
        var clock = new ObservedTimeProvider();
        var logger = new ListLogger<ConductorClient>();
        var options = new ConductorRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(20) };
        using var client = ConductorClients.Create(server.Address, clock, logger, options);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), Ct);
        var deadline = await clock.NextTimerAsync(Ct);
        await server.FirstHandshakeReceived.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        clock.Advance(deadline);
        var backoff = await clock.NextTimerAsync(Ct);
        clock.Advance(backoff);
        var response = await handshake.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(TimeSpan.FromSeconds(20), deadline);
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff);
        Assert.Equal(FakeWorkerService.JobId, response.Job.JobId);
        Assert.Equal(2, server.Calls("Handshake"));
        Assert.Contains(logger.Entries, e => e.EventName == "ConductorCallRetrying" && e.Message.Contains("DeadlineExceeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandshakeAsync_NothingListening_RetriedAsTransientThenUnreachable()
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var clock = new ObservedTimeProvider();
        var options = ConductorClients.WithoutDeadlines();
        options.MaxTotalWait = TimeSpan.FromSeconds(5);
        using var client = ConductorClients.Create(address, clock, options: options);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), Ct);
        var delays = await clock.DriveAsync(handshake, Ct);
        var ex = await Assert.ThrowsAsync<ConductorUnreachableException>(() => handshake);

        Assert.Equal(new[] { 0.5, 1, 2, 1.5 }.Select(TimeSpan.FromSeconds), delays);
        Assert.Equal(5, ex.Attempts);
        Assert.Equal(StatusCode.Unavailable, ex.LastStatus);
    }

    [Fact]
    public async Task HandshakeAsync_ConductorStartsDuringBackoff_Succeeds()
    {
        var port = FreePort.Next();
        var clock = new ObservedTimeProvider();
        using var client = ConductorClients.Create(new Uri($"http://127.0.0.1:{port}"), clock);

        var handshake = client.HandshakeAsync(new HandshakeRequest(), Ct);
        var firstBackoff = await clock.NextTimerAsync(Ct);
        await using var server = await FakeWorkerService.StartAsync(port, Ct);
        clock.Advance(firstBackoff);
        var response = await handshake;

        Assert.Equal(FakeWorkerService.JobId, response.Job.JobId);
        Assert.Equal(1, server.Handshakes.Single().HandshakeRetries);
    }

    [Fact]
    public async Task ReportResultAsync_UnavailableTwice_RetriedUntilAccepted()
    {
        await using var server = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        server.Fail("ReportResult", StatusCode.Unavailable, times: 2);
        var clock = new ObservedTimeProvider();
        using var client = ConductorClients.Create(server.Address, clock);

        var report = client.ReportResultAsync(new ReportResultRequest { Status = ResultStatus.Succeeded }, Ct);
        var delays = await clock.DriveAsync(report, Ct);

        Assert.Equal("succeeded", (await report).JobState);
        Assert.Equal(2, delays.Count);
        Assert.Equal(3, server.Calls("ReportResult"));
    }
}
