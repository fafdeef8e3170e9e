using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

/// <summary>The conductor service in-process with <c>Sqs:QueueUrl</c> set, polling the real local-aws-sqs emulator.</summary>
public sealed class SqsIntakeServiceTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqsEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task Service_MessageOnTheQueue_BecomesAStoredEventAndAPendingJob()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("service"), cancellationToken: Ct);
        await using var host = await StartAsync(queue);

        var messageId = await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-100", T0), Ct);

        var state = await Eventually.ValueAsync(() => host.Strings("SELECT state FROM jobs WHERE ticket_key = 'PAY-100'").FirstOrDefault(), Ct);
        Assert.Equal("pending", state);
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM events WHERE message_id = @m", ("@m", messageId)));
        await Eventually.ValueAsync(async () => await Emulator.CountAsync(queue, Ct) == 0 ? true : (bool?)null, Ct);
        using var status = await GetJsonAsync(host, "/v1/status");
        var sqs = status.RootElement.GetProperty("sqs");
        Assert.Equal(1, sqs.GetProperty("stored").GetInt64());
        Assert.Equal(1, sqs.GetProperty("deleted").GetInt64());
    }

    [Fact]
    public async Task Service_QueueDoesNotExist_IsReportedAndPollingRecoversOnceItExists()
    {
        var name = SqsEmulatorFixture.UniqueName("missing");
        var queue = $"{Emulator.Url}{SqsEmulator.AccountId}/{name}";
        await using var host = await StartAsync(queue);

        var problem = "";
        await Eventually.ValueAsync(async () =>
        {
            using var ready = await host.Http.GetAsync("/healthz/ready", Ct);
            problem = await ready.Content.ReadAsStringAsync(Ct);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable ? true : (bool?)null;
        }, Ct);
        Assert.Contains("does not exist", problem, StringComparison.Ordinal);
        using (var status = await GetJsonAsync(host, "/v1/status"))
        {
            Assert.Equal("misconfigured", status.RootElement.GetProperty("sqs").GetProperty("state").GetString());
        }

        Assert.Equal("live", await host.Http.GetStringAsync("/healthz/live", Ct));

        Assert.Equal(queue, await Emulator.CreateQueueAsync(name, cancellationToken: Ct));
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-101", T0), Ct);

        await Eventually.ValueAsync(() => host.Strings("SELECT state FROM jobs WHERE ticket_key = 'PAY-101'").FirstOrDefault(), Ct);
        // The other poller's receive may have been sent before the queue existed; it is ready again after its backoff (1 s).
        await Eventually.ValueAsync(async () =>
        {
            using var ready = await host.Http.GetAsync("/healthz/ready", Ct);
            return ready.StatusCode == HttpStatusCode.OK ? true : (bool?)null;
        }, Ct);
        // A poller is ready again once its receive answers, and logs its recovery only when that whole poll has returned.
        await Eventually.ValueAsync(() => host.Logs.Entries.Any(e => e.EventName == "SqsPollRecovered") ? "recovered" : null, Ct);
        // Every poller logged the problem once, however often it failed.
        Assert.InRange(host.Logs.Entries.Count(e => e.EventName == "SqsPollFailed"), 1, 2);
        Assert.InRange(host.Logs.Entries.Count(e => e.EventName == "SqsPollRecovered"), 1, 2);
    }

    [Fact]
    public async Task Service_GateClosed_LeavesMessagesInTheQueueUntilItReopens()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("gate"), cancellationToken: Ct);
        await using var host = await StartAsync(queue, "--Sqs:Pollers=1");
        // An active job keeps a draining conductor alive, so the gate stays closed instead of the host exiting.
        await host.LaunchTicketAsync("HOLD-1", cancellationToken: Ct);

        await File.WriteAllTextAsync(host.FlagPath, "true\n", Ct);
        await Eventually.ValueAsync(async () => await SqsStateAsync(host) == "paused" ? true : (bool?)null, Ct);
        await Emulator.SendAsync(queue, Messages.TicketCreated("PAY-102", T0), Ct);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct); // two long polls' worth: a poller that ignored the gate would have taken it

        var waiting = await Emulator.Client.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], Ct);
        Assert.Equal(("1", "0"), (waiting["ApproximateNumberOfMessages"], waiting["ApproximateNumberOfMessagesNotVisible"]));
        Assert.Empty(host.Strings("SELECT id FROM jobs WHERE ticket_key = 'PAY-102'"));

        await File.WriteAllTextAsync(host.FlagPath, "false\n", Ct);

        await Eventually.ValueAsync(() => host.Strings("SELECT state FROM jobs WHERE ticket_key = 'PAY-102'").FirstOrDefault(), Ct);
    }

    [Fact]
    public async Task Service_RejectedKeptWithoutARedrivePolicy_WarnsAtStartup()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("noredrive"), cancellationToken: Ct);
        var (withPolicy, _) = await Emulator.CreateQueueWithDeadLetterQueueAsync(SqsEmulatorFixture.UniqueName("redrive"), 3, 30, Ct);

        await using (var host = await StartAsync(queue, "--Sqs:DeleteRejected=false"))
        {
            await Eventually.ValueAsync(() => host.Logs.Entries.FirstOrDefault(e => e.EventName == "SqsNoRedrivePolicy"), Ct);
        }

        await using (var host = await StartAsync(withPolicy, "--Sqs:DeleteRejected=false"))
        {
            await Eventually.ValueAsync(async () => await SqsStateAsync(host) == "polling" ? true : (bool?)null, Ct);
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventName is "SqsNoRedrivePolicy" or "SqsRedrivePolicyUnknown");
        }
    }

    [Theory]
    [InlineData("access denied", "SQS refused the conductor (AccessDenied")]
    [InlineData("wrong secret", "SQS refused the conductor (InvalidSignatureException")]
    [InlineData("no credentials", "no AWS credentials found")]
    public async Task Service_SqsRefusesTheConductor_IsMisconfiguredAndNotReady(string refusal, string expected)
    {
        await using var sqs = await FakeAwsJsonServer.StartAsync(
            "sqs", "AmazonSQS", "1.0",
            _ => FakeAwsResponse.Error("com.amazon.coral.service#AccessDeniedException", "not authorized to perform: sqs:receivemessage") with
            {
                Headers = new Dictionary<string, string> { ["x-amzn-query-error"] = "AccessDenied;Sender" },
            },
            cancellationToken: Ct);
        IAwsCredentials credentials = refusal switch
        {
            "wrong secret" => new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, "not-the-secret"),
            "no credentials" => new NoCredentials(),
            _ => new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey),
        };
        await using var host = await StartAsync($"{sqs.Url}{SqsEmulator.AccountId}/intake", credentials, "--Sqs:Pollers=1");

        var problem = "";
        await Eventually.ValueAsync(async () =>
        {
            using var ready = await host.Http.GetAsync("/healthz/ready", Ct);
            problem = await ready.Content.ReadAsStringAsync(Ct);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable ? true : (bool?)null;
        }, Ct);

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        using var status = await GetJsonAsync(host, "/v1/status");
        Assert.Equal("misconfigured", status.RootElement.GetProperty("sqs").GetProperty("state").GetString());
        Assert.DoesNotContain(sqs.Failures, f => !f.Contains("does not match", StringComparison.Ordinal));
        Assert.Equal(1, host.Logs.Entries.Count(e => e.EventName == "SqsPollFailed"));
    }

    private static Task<ConductorHost> StartAsync(string queue, params string[] settings) => StartAsync(queue, SqsEmulator.Credentials, settings);

    private static Task<ConductorHost> StartAsync(string queue, IAwsCredentials credentials, params string[] settings) => ConductorHost.StartAsync(
        [
            $"--Sqs:QueueUrl={queue}",
            $"--Sqs:ServiceUrl={new Uri(queue).GetLeftPart(UriPartial.Authority)}/",
            "--Aws:Region=us-east-1",
            "--Sqs:WaitTimeSeconds=1",
            "--Sqs:MaxErrorBackoff=00:00:01",
            .. settings,
        ],
        services: services => services.Replace(ServiceDescriptor.Singleton(credentials)),
        cancellationToken: Ct);

    /// <summary>What the default chain does when it finds nothing.</summary>
    private sealed class NoCredentials : IAwsCredentials
    {
        public Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken) =>
            throw new AwsCredentialsException("no AWS credentials found (test); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", new InvalidOperationException("none"));
    }

    private static async Task<string?> SqsStateAsync(ConductorHost host)
    {
        using var status = await GetJsonAsync(host, "/v1/status");
        return status.RootElement.GetProperty("sqs").GetProperty("state").GetString();
    }

    private static async Task<JsonDocument> GetJsonAsync(ConductorHost host, string path) =>
        JsonDocument.Parse(await host.Http.GetStringAsync(path, Ct));
}
