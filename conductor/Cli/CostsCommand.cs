using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>costs [--from DAY] [--to DAY]</c>: spend per day, project and account, and today against the daily caps.</summary>
internal static class CostsCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "First UTC day, YYYY-MM-DD (default: 29 days before --to)" };
        var to = new Option<string?>("--to") { Description = "Last UTC day, YYYY-MM-DD (default: today)" };
        return ApiCommand.Create("costs", "Show what a running conductor's jobs cost, per day, project and account, and its daily budgets", async (api, parse, json, cancellationToken) =>
        {
            var query = new List<string>();
            if (parse.GetValue(from) is { } first)
            {
                query.Add("from=" + Uri.EscapeDataString(first));
            }

            if (parse.GetValue(to) is { } last)
            {
                query.Add("to=" + Uri.EscapeDataString(last));
            }

            var path = "/v1/costs" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
            if (json)
            {
                await System.Console.Out.WriteLineAsync(await api.GetTextAsync(path, cancellationToken));
                return ExitCodes.Ok;
            }

            Write(CliTables.Console(), await api.GetJsonAsync(path, cancellationToken));
            return ExitCodes.Ok;
        }, from, to);
    }

    private static void Write(IAnsiConsole console, JsonElement report)
    {
        var total = report.GetProperty("total");
        var unpriced = CliTables.String(total, "unpricedJobs") is { } count && count != "0" ? $" ({count} without a price, not counted)" : "";
        console.Write(CliTables.Facts(
        [
            ("days", $"{CliTables.String(report, "from")} to {CliTables.String(report, "to")} (UTC)"),
            ("total", $"{CliTables.Money(total, "cost")} for {CliTables.String(total, "jobs")} jobs{unpriced}"),
            ("tokens", CliTables.Money(total, "tokenCost")),
            ("workers", CliTables.Money(total, "computeCost")),
        ]));

        Section(console, "per day", "DAY", report.GetProperty("days"), "day", ["tokenCost", "computeCost"]);
        Section(console, "per project", "PROJECT", report.GetProperty("projects"), "project", []);
        Section(console, "per account", "ACCOUNT", report.GetProperty("accounts"), "account", []);

        var today = report.GetProperty("today");
        console.Write(new Rule($"today ({CliTables.String(today, "day")}): {CliTables.Money(today, "spent")}").LeftJustified());
        var caps = CliTables.Table("CAP", "FOR", "LIMIT", "SPENT", "STATE");
        foreach (var cap in today.GetProperty("caps").EnumerateArray())
        {
            caps.AddRow(
                new Text(CliTables.String(cap, "setting") ?? ""), CliTables.Plain(CliTables.String(cap, "key") ?? "all"),
                new Text(CliTables.Money(cap, "cap") ?? ""), new Text(CliTables.Money(cap, "spent") ?? ""),
                cap.GetProperty("reached").GetBoolean() ? new Text("reached: launches wait", new Style(Color.Red)) : new Text("open"));
        }

        if (caps.Rows.Count == 0)
        {
            console.WriteLine("no daily cap is set");
        }
        else
        {
            console.Write(caps);
        }
    }

    private static void Section(IAnsiConsole console, string title, string keyColumn, JsonElement rows, string key, string[] parts)
    {
        if (rows.GetArrayLength() == 0)
        {
            return;
        }

        console.Write(new Rule(title).LeftJustified());
        var table = CliTables.Table([keyColumn, "COST", .. parts.Select(p => p == "tokenCost" ? "TOKENS" : "WORKERS"), "JOBS"]);
        foreach (var row in rows.EnumerateArray())
        {
            var cells = new List<IRenderable> { CliTables.Plain(CliTables.String(row, key)), new Text(CliTables.Money(row, "cost") ?? "") };
            cells.AddRange(parts.Select(p => new Text(CliTables.Money(row, p) ?? "")));
            cells.Add(new Text(CliTables.String(row, "jobs") ?? ""));
            table.AddRow(cells);
        }

        console.Write(table);
    }
}
