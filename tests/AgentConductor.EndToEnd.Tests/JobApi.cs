using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>What the end-to-end tests do through a conductor's HTTP API: post a ticket, wait for its job to end.</summary>
internal static class JobApi
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Posts a "ticket created" webhook for <paramref name="key"/>; the id of the job it decided.</summary>
    public static async Task<string> PostTicketAsync(ConductorHost host, string key)
    {
        using var content = new StringContent(Messages.TicketCreated(key, T0), Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync("/v1/events", content, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }

    /// <summary>Waits (up to two minutes) for the job to reach a final state; that state and the job's view.</summary>
    public static async Task<(string State, JsonElement Job)> WaitForEndAsync(ConductorHost host, string jobId)
    {
        var job = await Eventually.ValueAsync(
            async () =>
            {
                var view = await host.Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{jobId}", Ct);
                return view.GetProperty("job").GetProperty("state").GetString() is "succeeded" or "failed" or "no_changes" or "timed_out" or "cancelled" or "lost" or "budget_exceeded" ? (JsonElement?)view : null;
            },
            Ct,
            TimeSpan.FromSeconds(120));
        return (job.GetProperty("job").GetProperty("state").GetString()!, job);
    }
}
