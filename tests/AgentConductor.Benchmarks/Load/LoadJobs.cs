using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Replay;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// The jobs under load, made the way production makes them: one Jira ticket per worker posted to <c>/v1/events</c>,
/// scheduled, then launched by the dispatcher with a freshly minted token. Each ticket has its own project, routed to
/// its own repository, so neither the per-project cap nor the one-job-per-repository claim holds any of them back.
/// </summary>
internal static class LoadJobs
{
    public static string ProjectKey(int index) => $"LOAD{index:D5}";

    /// <summary>One route per project, each to its own repository (nothing is ever cloned: the workers only sleep).</summary>
    public static IEnumerable<string> RouteSettings(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return $"--Routing:Routes:{i}:Projects:0={ProjectKey(i)}";
            yield return $"--Routing:Routes:{i}:CloneUrl=https://git.invalid/load/repo-{i}.git";
        }
    }

    /// <summary>Posts one new ticket per worker (8 at a time) and returns the job ids, in ticket order.</summary>
    public static async Task<string[]> CreateAsync(HttpClient api, int count, CancellationToken cancellationToken)
    {
        var jobIds = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            jobIds[i] = await PostTicketAsync(api, i, ct));
        return jobIds;
    }

    /// <summary>Waits until <paramref name="count"/> jobs are launched, as <c>/v1/status</c> reports them; fails when any failed.</summary>
    public static async Task WaitLaunchedAsync(HttpClient api, ConductorUnderLoad conductor, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            conductor.EnsureRunning();
            var byState = await JobsByStateAsync(api, cancellationToken);
            var launched = byState.GetValueOrDefault("launched");
            Console.Error.Write($"\r  launched {launched}/{count}");
            if (byState.GetValueOrDefault("failed") > 0)
            {
                throw new InvalidOperationException($"Jobs failed while launching ({Describe(byState)}); see {conductor.LogPath}.");
            }

            if (launched >= count)
            {
                Console.Error.WriteLine();
                return;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Only {launched} of {count} jobs were launched within {timeout} ({Describe(byState)}).");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>The token each job's worker process was started with (it writes it into its job folder before it sleeps).</summary>
    public static async Task<string[]> ReadTokensAsync(string workersFolder, IReadOnlyList<string> jobIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tokens = new string[jobIds.Count];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < jobIds.Count; i++)
        {
            var path = Path.Combine(workersFolder, jobIds[i], ConductorUnderLoad.TokenFileName);
            while (!File.Exists(path))
            {
                if (watch.Elapsed > timeout)
                {
                    throw new TimeoutException($"The worker of job {jobIds[i]} did not hand over its token within {timeout}.");
                }

                await Task.Delay(100, cancellationToken);
            }

            tokens[i] = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }

        return tokens;
    }

    public static async Task<Dictionary<string, long>> JobsByStateAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var status = JsonDocument.Parse(await api.GetStringAsync("/v1/status", cancellationToken));
        return status.RootElement.GetProperty("jobsByState").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
    }

    public static string Describe(Dictionary<string, long> byState) =>
        string.Join(", ", byState.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    private static async Task<string> PostTicketAsync(HttpClient api, int index, CancellationToken cancellationToken)
    {
        var key = $"{ProjectKey(index)}-1";
        var body = SampleMessages.JiraWebhook("jira:issue_created", key, $"Load benchmark ticket {index}", TimeProvider.System.GetUtcNow()).ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await api.PostAsync("/v1/events", content, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50)
            {
                await Task.Delay(200, cancellationToken); // The database was busy; nothing was stored.
                continue;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /v1/events for {key} answered {(int)response.StatusCode}: {answer}");
            }

            using var json = JsonDocument.Parse(answer);
            return json.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
        }
    }
}
