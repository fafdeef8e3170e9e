using System.Net;
using System.Text;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Cli;
using AgentConductor.Conductor.Feed;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Feed;

/// <summary>The real binary's <c>feed send</c> and <c>feed serve</c> against local-aws-sqs, credentials from the environment.</summary>
public sealed class FeedCommandTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private const string Secret = "feed-process-secret-0123456789";
    private static readonly string SamplePath = Path.Combine(RepoPaths.SharedSamples, "jira-webhook-issue-created.json");
    private static readonly SqsReceiveOptions Receive = new(10, TimeSpan.FromSeconds(1), null, [SqsMessageKey.AttributeName]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_SampleFile_IsVisibleInTheQueue()
    {
        var emulator = fixture.Emulator;
        var queue = await emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feedsend"), cancellationToken: Ct);

        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(
            ["feed", "send", SamplePath, "--queue-url", queue, "--service-url", emulator.Url.ToString()], emulator.ProcessEnvironment, timeout: TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("sent PAY-412 as message ", stdout, StringComparison.Ordinal);
        var message = Assert.Single(await emulator.Client.ReceiveAsync(queue, Receive, Ct));
        Assert.Equal(await File.ReadAllTextAsync(SamplePath, Ct), message.Body);
        Assert.StartsWith("sha256:", message.Attributes[SqsMessageKey.AttributeName], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NotAJiraIssueOrFilteredOut_SendsNothing()
    {
        var emulator = fixture.Emulator;
        var queue = await emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feedsend"), cancellationToken: Ct);
        var alarm = Path.Combine(RepoPaths.SharedSamples, "cloudwatch-alarm-eventbridge.json");

        var invalid = await ConductorProcess.RunAsync(
            ["feed", "send", alarm, "--queue-url", queue, "--service-url", emulator.Url.ToString()], emulator.ProcessEnvironment, timeout: TimeSpan.FromSeconds(60));
        var filtered = await ConductorProcess.RunAsync(
            ["feed", "send", SamplePath, "--queue-url", queue, "--service-url", emulator.Url.ToString(), "--label", "frontend"], emulator.ProcessEnvironment, timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("not a Jira issue", invalid.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, filtered.ExitCode);
        Assert.Contains("skipped: PAY-412: has none of the labels frontend", filtered.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Serve_SignedWebhookOverHttp_IsQueued()
    {
        var emulator = fixture.Emulator;
        var queue = await emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feedserve"), cancellationToken: Ct);
        using var process = ConductorProcess.Start(
            ["feed", "serve", "--queue-url", queue, "--service-url", emulator.Url.ToString(), "--listen", "127.0.0.1:0", "--project", "PAY"],
            new Dictionary<string, string>(emulator.ProcessEnvironment) { [FeedCommand.SecretVariable] = Secret });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(await ListeningAddress.ReadAsync(process.StandardOutput, Ct)) };
            _ = process.StandardOutput.ReadToEndAsync(Ct);
            var body = await File.ReadAllBytesAsync(SamplePath, Ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, JiraFeedServer.WebhookPath) { Content = new ByteArrayContent(body) };
            request.Headers.Add(JiraWebhookAuth.SignatureHeader, JiraWebhookAuth.Sign(Secret, body));

            using var response = await http.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var message = Assert.Single(await emulator.Client.ReceiveAsync(queue, Receive, Ct));
            Assert.Equal(Encoding.UTF8.GetString(body), message.Body);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
    }
}
