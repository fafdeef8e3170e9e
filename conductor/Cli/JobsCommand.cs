using System.CommandLine;
using Spectre.Console;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>jobs [--state S] [--kind K] [--limit N]</c>: jobs, newest first.</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var state = new Option<string?>("--state") { Description = "Only jobs in this state (pending, running, succeeded, failed ...)" };
        var kind = new Option<string?>("--kind") { Description = "Only jobs of this kind: ticket, incident or followup" };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000)", DefaultValueFactory = _ => 50 };
        return ApiCommand.Create("jobs", "List a running conductor's jobs, newest first", async (api, parse, json, cancellationToken) =>
        {
            var path = $"/v1/jobs?limit={Math.Clamp(parse.GetValue(limit), 1, 1000)}";
            if (parse.GetValue(state) is { } s)
            {
                path += "&state=" + Uri.EscapeDataString(s);
            }

            if (parse.GetValue(kind) is { } k)
            {
                path += "&kind=" + Uri.EscapeDataString(k);
            }

            if (json)
            {
                await System.Console.Out.WriteLineAsync(await api.GetTextAsync(path, cancellationToken));
                return ExitCodes.Ok;
            }

            var jobs = (await api.GetJsonAsync(path, cancellationToken)).GetProperty("jobs");
            var table = CliTables.Table("JOB", "STATE", "SUBJECT", "TITLE", "DOING / WAITING", "CREATED", "DURATION", "COST", "PULL REQUEST");
            foreach (var job in jobs.EnumerateArray())
            {
                table.AddRow(
                    new Text(CliTables.String(job, "id") ?? ""),
                    CliTables.State(CliTables.String(job, "state")),
                    CliTables.Plain(CliTables.Subject(job)),
                    CliTables.Plain(Cut(CliTables.String(job, "title"), 50)),
                    CliTables.Plain(Cut(CliTables.Doing(job), 60)),
                    new Text(CliTables.Time(job, "createdAt") ?? ""),
                    new Text(CliTables.Duration(job, "durationMs") ?? ""),
                    new Text(CliTables.Cost(job) ?? ""),
                    CliTables.Plain(CliTables.String(job, "pullRequestUrl")));
            }

            var console = CliTables.Console();
            if (table.Rows.Count == 0)
            {
                console.WriteLine("no jobs");
            }
            else
            {
                console.Write(table);
            }

            return ExitCodes.Ok;
        }, state, kind, limit);
    }

    private static string? Cut(string? text, int max) => text is { } t && t.Length > max ? t[..(max - 1)] + "…" : text;
}
