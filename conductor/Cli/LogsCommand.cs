using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// <c>logs JOB [--follow]</c>: a job's stored log lines and progress events, oldest first; with <c>--follow</c> it goes on
/// printing new ones until the job ends (exit 0) or is interrupted. <c>--json</c> prints one JSON object a line.
/// </summary>
internal static class LogsCommand
{
    private const int PageSize = 1000;

    public static Command Create()
    {
        var jobId = new Argument<string>("job") { Description = "The job's id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until the job ends" };
        var after = new Option<long>("--after") { Description = "Start after this line number (seq)" };
        return ApiCommand.Create("logs", "Print a job's log from a running conductor", async (api, parse, json, cancellationToken) =>
        {
            var path = $"/v1/jobs/{Uri.EscapeDataString(parse.GetValue(jobId)!)}/logs";
            var from = Math.Max(0, parse.GetValue(after));
            if (parse.GetValue(follow))
            {
                await foreach (var item in api.StreamAsync($"{path}?after={from}", cancellationToken))
                {
                    if (item.EventType == "end")
                    {
                        break;
                    }

                    await System.Console.Out.WriteLineAsync(json ? item.Data : Line(JsonDocument.Parse(item.Data).RootElement));
                }

                return ExitCodes.Ok;
            }

            while (true)
            {
                var page = await api.GetJsonAsync($"{path}?after={from}&limit={PageSize}", cancellationToken);
                var lines = page.GetProperty("lines");
                foreach (var line in lines.EnumerateArray())
                {
                    await System.Console.Out.WriteLineAsync(json ? line.GetRawText() : Line(line));
                }

                if (lines.GetArrayLength() < PageSize)
                {
                    return ExitCodes.Ok;
                }

                from = page.GetProperty("next").GetInt64();
            }
        }, jobId, follow, after);
    }

    /// <summary><c>14:02:03 stdout text</c>; the text is the worker's and untrusted, so control characters are replaced.</summary>
    private static string Line(JsonElement line)
    {
        var at = DateTimeOffset.Parse(line.GetProperty("at").GetString()!, CultureInfo.InvariantCulture).UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var text = CliTables.Clean(line.GetProperty("text").GetString()).Replace('\n', ' ');
        return $"{at} {line.GetProperty("stream").GetString(),-8} {text}{(line.GetProperty("truncated").GetBoolean() ? " [cut]" : "")}";
    }
}
