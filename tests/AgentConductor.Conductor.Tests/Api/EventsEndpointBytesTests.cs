using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Tests.Storage;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Api;

/// <summary>
/// <c>POST /v1/events</c> stores the bytes that arrived: NUL characters anywhere and at any size, and bodies that are not
/// valid UTF-8, which are rejected but kept byte for byte, measured on their own bytes, and replayed to the same outcome.
/// </summary>
public sealed class EventsEndpointBytesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_RawNulAtAnyPlaceAndSize_IsStoredWhole()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var sent = new List<(string Id, string Body)>();
        foreach (var size in new[] { 100, 400, 600, 1000, 5000 })
        {
            foreach (var place in new[] { "start", "middle", "end" })
            {
                var body = VerbatimTextTests.WithNul("{\"pad\":\"" + new string('x', size - 10) + "\"}", place);
                sent.Add(($"nul-{size}-{place}", body));
            }
        }

        sent.Add(("nul-at-1", "{\0" + new string('x', 998)));
        foreach (var (id, body) in sent)
        {
            using var response = await PostAsync(host, Encoding.UTF8.GetBytes(body), id);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        }

        foreach (var (id, body) in sent)
        {
            Assert.Equal(body, host.Scalar("SELECT body FROM events WHERE message_id = @id", ("@id", id)));
            Assert.Equal(0L, host.Scalar("SELECT body_truncated FROM events WHERE message_id = @id", ("@id", id)));
        }
    }

    [Fact]
    public async Task Post_TicketWithAnEscapedNulInItsSummary_IsAcceptedWithTheWholeSummary()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var summary = "before-nul\0" + new string('s', 1000);

        using var response = await PostAsync(host, Encoding.UTF8.GetBytes(Messages.TicketUpdated("PAY-9", T0, summary)), "m1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(summary, host.Scalar("SELECT summary FROM tickets WHERE key = 'PAY-9'"));
    }

    [Fact]
    public async Task Post_InvalidUtf8_IsRejectedAndStoredByteForByte()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var bytes = Encoding.UTF8.GetBytes(Messages.TicketCreated("PAY-3", T0)).ToList();
        var at = bytes.IndexOf((byte)'S'); // inside the summary string: the JSON stays well formed around it
        bytes.InsertRange(at, [0x80, 0xC3, 0x28, 0xFF]);

        using var response = await PostAsync(host, [.. bytes], "bad-utf8");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("malformed_json", answer.RootElement.GetProperty("reason").GetString());
        Assert.Contains($"not valid UTF-8 (the first invalid byte is at offset {at})", answer.RootElement.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(bytes, (byte[])host.Scalar("SELECT body_bytes FROM events WHERE message_id = 'bad-utf8'")!);
        Assert.Equal(Encoding.UTF8.GetString([.. bytes]), host.Scalar("SELECT body FROM events WHERE message_id = 'bad-utf8'"));
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM tickets"));
    }

    [Fact]
    public async Task Post_InvalidUtf8_IsMeasuredOnTheBytesReceived()
    {
        await using var host = await ConductorHost.StartAsync(["--Intake:MaxBodyBytes=2048"], cancellationToken: Ct);
        // 2,000 bytes of 0xFF: within the limit, though decoding would make each one a three-byte U+FFFD.
        var within = Enumerable.Repeat((byte)0xFF, 2000).ToArray();
        var over = Enumerable.Repeat((byte)0xFF, 2049).ToArray();

        using var first = await PostAsync(host, within, "within");
        using var second = await PostAsync(host, over, "over");

        Assert.Equal("rejected: malformed_json", host.Scalar("SELECT outcome FROM events WHERE message_id = 'within'"));
        Assert.Equal("rejected: too_large", host.Scalar("SELECT outcome FROM events WHERE message_id = 'over'"));
        Assert.Contains("The body is 2049 bytes, over the limit of 2048", await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(within, (byte[])host.Scalar("SELECT body_bytes FROM events WHERE message_id = 'within'")!);
        Assert.Equal(over[..2048], (byte[])host.Scalar("SELECT body_bytes FROM events WHERE message_id = 'over'")!);
        Assert.Equal(1L, host.Scalar("SELECT body_truncated FROM events WHERE message_id = 'over'"));
    }

    [Fact]
    public async Task Post_BodiesThatDifferOnlyInInvalidBytes_AreTwoMessages()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        using var first = await PostAsync(host, [(byte)'{', 0x80, (byte)'}']);
        using var second = await PostAsync(host, [(byte)'{', 0x81, (byte)'}']);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal(2L, host.Scalar("SELECT count(DISTINCT body_bytes) FROM events"));
    }

    /// <summary>Seeded random bodies, most of them valid JSON with bytes flipped: every one is stored exactly as sent.</summary>
    [Fact]
    public async Task Post_FuzzedBodies_AreAllStoredExactlyAsSent()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var random = new Random(20261202);
        var template = Encoding.UTF8.GetBytes(SampleMessages.JiraWebhook("jira:issue_created", "PAY-1", "fuzz ✓ café", T0).ToJsonString());
        var sent = new Dictionary<string, byte[]>();
        for (var i = 0; i < 150; i++)
        {
            var body = (byte[])template.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            sent[$"fuzz-{i}"] = body;
            using var response = await PostAsync(host, body, $"fuzz-{i}");
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.UnprocessableEntity, $"fuzz-{i}: {response.StatusCode}");
        }

        foreach (var (id, body) in sent)
        {
            Assert.Equal(body, StoredBytes(host, id));
        }
    }

    [Fact]
    public async Task Replay_OfADatabaseWithInvalidUtf8_ReproducesTheSameOutcomes()
    {
        using var directory = new TempDirectory();
        var path = directory.File("recorded.db");
        await using (var host = await ConductorHost.StartAsync(cancellationToken: Ct))
        {
            using var ticket = await PostAsync(host, Encoding.UTF8.GetBytes(Messages.TicketCreated("PAY-5", T0)), "good");
            using var bad = await PostAsync(host, [.. "{\"issue\":\""u8, 0xC0, 0xAF, .. "\"}"u8], "bad");
            using var nul = await PostAsync(host, Encoding.UTF8.GetBytes(Messages.TicketCreated("PAY-6", T0).Replace("Summary", "S\\u0000ummary" + new string('x', 600), StringComparison.Ordinal)), "nul");
            host.Execute("VACUUM INTO @path", ("@path", path));
        }

        var (exit, stdout, stderr) = await ConductorProcess.RunAsync(["replay", path, "--json", "--compare"]);

        Assert.True(exit == 0, stderr);
        Assert.Contains("compare: same 2 decisions as recorded", stderr, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(stdout);
        Assert.Contains("bad", report.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    private static byte[] StoredBytes(ConductorHost host, string id) =>
        host.Scalar("SELECT body_bytes FROM events WHERE message_id = @id", ("@id", id)) as byte[]
        ?? Encoding.UTF8.GetBytes((string)host.Scalar("SELECT body FROM events WHERE message_id = @id", ("@id", id))!);

    private static Task<HttpResponseMessage> PostAsync(ConductorHost host, byte[] body, string? messageId = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        if (messageId is not null)
        {
            request.Headers.Add("X-Message-Id", messageId);
        }

        return host.Http.SendAsync(request, Ct);
    }
}
