using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Api;

/// <summary><c>GET /v1/jobs/{id}/logs</c>: pages by seq, and follows a running job as server-sent events until it ends.</summary>
public sealed class LogEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_Paged_BySeqInOrder()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        for (var seq = 1; seq <= 5; seq++)
        {
            AppendLog(host, jobId, seq, $"line {seq}");
        }

        using var first = await JobDetailTests.GetAsync(host, $"/v1/jobs/{jobId}/logs?limit=2");
        using var rest = await JobDetailTests.GetAsync(host, $"/v1/jobs/{jobId}/logs?after={first.RootElement.GetProperty("next").GetInt64()}&limit=10");
        using var missing = await host.Http.GetAsync("/v1/jobs/nope/logs", Ct);

        Assert.Equal(["line 1", "line 2"], Texts(first));
        Assert.Equal(2, first.RootElement.GetProperty("next").GetInt64());
        Assert.False(first.RootElement.GetProperty("ended").GetBoolean());
        Assert.Equal(["line 3", "line 4", "line 5"], Texts(rest));
        Assert.Equal("stdout", rest.RootElement.GetProperty("lines")[0].GetProperty("stream").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Logs_Followed_StreamNewLinesUntilTheJobEndsThenEnd()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-2", cancellationToken: Ct);
        AppendLog(host, jobId, 1, "before");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{jobId}/logs");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(deadline.Token)).EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);

        var first = await NextAsync(events);
        AppendLog(host, jobId, 2, "while it runs");
        var second = await NextAsync(events);
        host.Write(writer => writer.TryMove(jobId, JobState.Launched, JobState.Failed, "worker crashed", ConductorHost.T0));
        var end = await NextAsync(events);

        Assert.Equal(("log", "1", "before"), (first.EventType, first.EventId, Text(first)));
        Assert.Equal(("log", "2", "while it runs"), (second.EventType, second.EventId, Text(second)));
        Assert.Equal("end", end.EventType);
        Assert.Equal("failed", JsonDocument.Parse(end.Data).RootElement.GetProperty("state").GetString());
        Assert.False(await events.MoveNextAsync());
    }

    [Fact]
    public async Task Logs_FollowedFromLastEventId_ResumeAfterIt()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-3", cancellationToken: Ct);
        AppendLog(host, jobId, 1, "seen");
        AppendLog(host, jobId, 2, "not yet seen");
        host.Write(writer => writer.TryMove(jobId, JobState.Launched, JobState.Failed, "worker crashed", ConductorHost.T0));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{jobId}/logs?follow=true");
        request.Headers.Add("Last-Event-ID", "1");

        using var response = await host.Http.SendAsync(request, Ct);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct))
        {
            items.Add(item);
        }

        Assert.Equal([("log", "not yet seen"), ("end", "")], items.Select(i => (i.EventType, i.EventType == "log" ? Text(i) : "")));
    }

    [Fact]
    public async Task Logs_ApiKeySet_RefusedWithoutItWhileTheDashboardFilesAreServed()
    {
        await using var host = await ConductorHost.StartAsync(["--Api:Key=a-key-of-sixteen-chars"], cancellationToken: Ct);

        using var logs = await host.Http.GetAsync("/v1/jobs/x/logs", Ct);
        using var page = await host.Http.GetAsync("/", Ct);
        using var script = await host.Http.GetAsync("/dashboard/app.js", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, logs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync(), "the stream ended early");
        return events.Current;
    }

    private static string Text(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.GetProperty("text").GetString()!;

    private static List<string?> Texts(JsonDocument page) => [.. page.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString())];

    internal static void AppendLog(ConductorHost host, string jobId, int seq, string text) =>
        host.Execute(
            "INSERT INTO job_logs (job_id, seq, at, stream, text) VALUES (@id, @seq, @at, 'stdout', @text)",
            ("@id", jobId), ("@seq", seq), ("@at", ConductorHost.T0.AddSeconds(seq).ToUnixTimeMilliseconds()), ("@text", text));
}
