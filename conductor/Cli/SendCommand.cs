using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Replay;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// <c>send</c>: posts message bodies to a running conductor's local inbox (<c>POST /v1/events</c>): files,
/// standard input (<c>-</c>), or built-in samples (<c>--sample ticket</c>, <c>--sample alarms --count 20</c>).
/// Exit 0 when every message was stored or already known, 1 when one was rejected or refused, 2 on bad usage.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Message files to send; - reads standard input", Arity = ArgumentArity.ZeroOrMore };
        var url = new Option<string>("--url") { Description = "The conductor's API", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var messageId = new Option<string?>("--message-id") { Description = "Idempotency key for a single message (default: the event's own id)" };
        var apiKey = new Option<string?>("--api-key") { Description = "API key when the conductor requires one (default: $CONDUCTOR_API_KEY)" };
        var sample = new Option<string?>("--sample") { Description = "Send built-in samples instead of files: ticket | alarms" };
        var count = new Option<int>("--count") { Description = "How many sample alarms (one AWS account, a minute apart)", DefaultValueFactory = _ => 10 };
        var command = new Command("send", "Send Jira or CloudWatch messages to a running conductor") { files, url, messageId, apiKey, sample, count };
        command.SetAction((parse, cancellationToken) => SendAsync(
            parse.GetValue(files) ?? [], parse.GetValue(url)!, parse.GetValue(messageId), parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("CONDUCTOR_API_KEY"),
            parse.GetValue(sample), parse.GetValue(count), cancellationToken));
        return command;
    }

    private static async Task<int> SendAsync(string[] files, string address, string? messageId, string? apiKey, string? sample, int count, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"send: --url must be an http(s) address (got '{address}')");
            return ExitCodes.InvalidInput;
        }

        List<(string Name, string Body)> messages;
        try
        {
            messages = sample is null ? await ReadAsync(files, cancellationToken) : Samples(sample, count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"send: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        if (messages.Count == 0 || (messageId is not null && messages.Count > 1))
        {
            await Console.Error.WriteLineAsync(messages.Count == 0 ? "send: nothing to send (give files, - or --sample)" : "send: --message-id needs exactly one message");
            return ExitCodes.InvalidInput;
        }

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        var failed = false;
        foreach (var (name, body) in messages)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (messageId is not null)
            {
                request.Headers.Add(EventsEndpoint.MessageIdHeader, messageId);
            }

            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                await Console.Out.WriteLineAsync($"{name}: {(int)response.StatusCode} {answer}");
                failed |= !response.IsSuccessStatusCode;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"send: cannot reach the conductor at {url}: {ex.Message}");
                return ExitCodes.Failed;
            }
        }

        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<List<(string, string)>> ReadAsync(string[] files, CancellationToken cancellationToken)
    {
        var messages = new List<(string, string)>();
        foreach (var file in files)
        {
            messages.Add(file == "-"
                ? ("stdin", await Console.In.ReadToEndAsync(cancellationToken))
                : (file, await File.ReadAllTextAsync(file, cancellationToken)));
        }

        return messages;
    }

    private static List<(string, string)> Samples(string sample, int count)
    {
        var now = TimeProvider.System.GetUtcNow();
        var suffix = now.ToUnixTimeSeconds() % 100000;
        return sample switch
        {
            "ticket" => [($"sample ticket DEMO-{suffix}", SampleMessages.JiraWebhook("jira:issue_created", $"DEMO-{suffix}", "Sample ticket: add a health check endpoint", now, "agent").ToJsonString())],
            "alarms" when count is > 0 and <= 1000 => Enumerable.Range(0, count)
                .Select(i => ($"sample alarm {i + 1}/{count}", SampleMessages.EventBridgeAlarm($"demo-{suffix}-{i}", "111122223333", $"demo-alarm-{i % 3}", "ALARM", now.AddMinutes(i - count)).ToJsonString()))
                .ToList(),
            "alarms" => throw new ArgumentException("--count must be between 1 and 1000"),
            _ => throw new ArgumentException($"unknown sample '{sample}' (ticket | alarms)"),
        };
    }
}
