using System.CommandLine;
using System.Net.Http.Headers;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>cancel JOB-ID</c>: asks a running conductor to cancel a job. Exit 0 when cancelled or requested, 1 otherwise.</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("job-id") { Description = "The job to cancel" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the job's audit trail)" };
        var url = new Option<string>("--url") { Description = "The conductor's API", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var apiKey = new Option<string?>("--api-key") { Description = "API key when the conductor requires one (default: $CONDUCTOR_API_KEY)" };
        var command = new Command("cancel", "Cancel a job on a running conductor") { jobId, reason, url, apiKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address))
            {
                await Console.Error.WriteLineAsync("cancel: --url must be an http(s) address");
                return ExitCodes.InvalidInput;
            }

            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            if ((parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("CONDUCTOR_API_KEY")) is { } key)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            var path = $"/v1/jobs/{Uri.EscapeDataString(parse.GetValue(jobId)!)}/cancel";
            if (parse.GetValue(reason) is { } why)
            {
                path += "?reason=" + Uri.EscapeDataString(why);
            }

            try
            {
                using var response = await http.PostAsync(path, null, cancellationToken);
                await Console.Out.WriteLineAsync($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return response.IsSuccessStatusCode ? ExitCodes.Ok : ExitCodes.Failed;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"cancel: cannot reach the conductor at {address}: {ex.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
