using System.Text.Json;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

/// <summary>The real conductor binary with <c>Sqs:QueueUrl</c> set, credentials from the environment, against local-aws-sqs.</summary>
public sealed class SqsConductorProcessTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_WithAQueue_TakesAMessageThroughToAJobAndDeletesIt()
    {
        var emulator = fixture.Emulator;
        var queue = await emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("process"), cancellationToken: Ct);
        using var directory = new TempDirectory();
        using var process = ConductorProcess.Start(
            [
                "run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0",
                $"--Sqs:QueueUrl={queue}", $"--Sqs:ServiceUrl={emulator.Url}", "--Sqs:WaitTimeSeconds=1",
            ],
            new Dictionary<string, string>(emulator.ProcessEnvironment) { ["Storage__DatabasePath"] = directory.File("c.db") },
            directory.Path);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(await ListeningAddress.ReadAsync(process.StandardOutput, Ct)) };
            _ = process.StandardOutput.ReadToEndAsync(Ct);
            // The conductor polls an empty queue first: those receives must come back empty, not as failures.
            await Eventually.ValueAsync(async () => await SqsStateAsync(http) == "polling" ? true : (bool?)null, Ct);

            await emulator.SendAsync(queue, Messages.TicketCreated("PAY-200", T0), Ct);

            var found = await Eventually.ValueAsync(async () =>
            {
                using var jobs = JsonDocument.Parse(await http.GetStringAsync("/v1/jobs", Ct));
                return jobs.RootElement.GetProperty("jobs").EnumerateArray().Any(j => j.GetProperty("ticketKey").GetString() == "PAY-200") ? true : (bool?)null;
            }, Ct, TimeSpan.FromSeconds(60));
            Assert.True(found);
            await Eventually.ValueAsync(async () => await emulator.CountAsync(queue, Ct) == 0 ? true : (bool?)null, Ct);
            using var status = JsonDocument.Parse(await http.GetStringAsync("/v1/status", Ct));
            var sqs = status.RootElement.GetProperty("sqs");
            Assert.Equal(1, sqs.GetProperty("stored").GetInt64());
            Assert.Equal("polling", sqs.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, sqs.GetProperty("problem").ValueKind);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
    }

    private static async Task<string?> SqsStateAsync(HttpClient http)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync("/v1/status", Ct));
        return status.RootElement.GetProperty("sqs").GetProperty("state").GetString();
    }

    [Fact]
    public async Task Run_InvalidSqsSettings_ExitsTwoNamingEveryProblem()
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0", "--WorkerApi:Urls=http://127.0.0.1:0", "--Sqs:QueueUrl=agent-conductor-intake", "--Sqs:MaxMessages=11", "--Sqs:WaitTimeSeconds=30"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = directory.File("c.db"), ["AWS_REGION"] = "", ["AWS_DEFAULT_REGION"] = "" },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("Sqs:QueueUrl must be the queue's http(s) URL", stderr, StringComparison.Ordinal);
        Assert.Contains("Sqs:MaxMessages", stderr, StringComparison.Ordinal);
        Assert.Contains("Sqs:WaitTimeSeconds", stderr, StringComparison.Ordinal);
        Assert.Contains("Aws:Region is not set", stderr, StringComparison.Ordinal);
    }
}
