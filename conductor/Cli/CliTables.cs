using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// Tables for people. Text that comes from tickets, alarms and workers is untrusted: it is shown as plain text (never as
/// markup) with control characters replaced, so it cannot style or move the terminal.
/// </summary>
internal static class CliTables
{
    public static IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>A two-column table of names and values, the values untrusted.</summary>
    public static Table Facts(IEnumerable<(string Name, string? Value)> facts)
    {
        var table = new Table().Border(TableBorder.None).HideHeaders().AddColumn("name").AddColumn("value");
        foreach (var (name, value) in facts.Where(f => !string.IsNullOrEmpty(f.Value)))
        {
            table.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), Plain(value));
        }

        return table;
    }

    public static IRenderable Plain(string? text) => new Text(Clean(text));

    public static string Clean(string? text) =>
        string.IsNullOrEmpty(text) ? "" : string.Concat(text.Select(c => c is '\n' or '\t' ? c : char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c));

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                _ => null,
            }
            : null;

    /// <summary>A time as UTC, to the second.</summary>
    public static string? Time(JsonElement element, string name) =>
        String(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;

    public static string? Duration(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var span = TimeSpan.FromMilliseconds(value.GetInt64());
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:00}s"
            : $"{span.TotalSeconds:0.#}s";
    }

    public static string Subject(JsonElement job) =>
        String(job, "parentJobId") is { } parent ? $"follow-up {String(job, "followUpSequence")} of {parent}"
        : String(job, "ticketKey") ?? $"incident {String(job, "incidentId")} (account {String(job, "account")})";

    /// <summary>What an unended job is doing: its worker's phase and step, or for a pending one why it waits.</summary>
    public static string? Doing(JsonElement job)
    {
        if (job.TryGetProperty("waitReason", out var wait) && wait.ValueKind == JsonValueKind.Object)
        {
            return $"#{String(wait, "position")} {String(wait, "reason")}: {String(wait, "detail")}";
        }

        if (String(job, "state") is not ("launching" or "launched" or "connected" or "running"))
        {
            return null;
        }

        var phase = String(job, "phase");
        var step = String(job, "step");
        return phase is null ? null : step is null ? phase : $"{phase}: {step}";
    }

    public static string StateStyle(string? state) => state switch
    {
        "succeeded" => "green",
        "no_changes" => "blue",
        "failed" or "lost" or "timed_out" => "red",
        "budget_exceeded" => "darkorange",
        "cancelled" => "grey",
        "pending" => "yellow",
        _ => "aqua",
    };

    /// <summary>A job's <c>cost</c> as "1.23 USD" (more decimals below a cent); "unknown" without a price; null without a cost object.</summary>
    public static string? Cost(JsonElement job)
    {
        if (!job.TryGetProperty("cost", out var cost) || cost.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return Money(cost, "total") ?? "unknown";
    }

    /// <summary>A USD amount property as "1.23 USD"; null when absent or null.</summary>
    public static string? Money(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? Costs.Usd.Format(value.GetDecimal())
            : null;

    public static IRenderable State(string? state) => new Text(state ?? "", Style.Parse(StateStyle(state)));
}
