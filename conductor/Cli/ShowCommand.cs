using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>show JOB</c>: everything the conductor knows about one job, with its audit trail.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("job") { Description = "The job's id" };
        return ApiCommand.Create("show", "Show one job of a running conductor: its facts, result and audit trail", async (api, parse, json, cancellationToken) =>
        {
            var path = $"/v1/jobs/{Uri.EscapeDataString(parse.GetValue(jobId)!)}";
            if (json)
            {
                await System.Console.Out.WriteLineAsync(await api.GetTextAsync(path, cancellationToken));
                return ExitCodes.Ok;
            }

            var detail = await api.GetJsonAsync(path, cancellationToken);
            var console = CliTables.Console();
            Write(console, detail);
            return ExitCodes.Ok;
        }, jobId);
    }

    private static void Write(IAnsiConsole console, JsonElement detail)
    {
        var job = detail.GetProperty("job");
        var usage = job.GetProperty("usage");
        console.Write(CliTables.Facts(
        [
            ("job", CliTables.String(job, "id")),
            ("state", Join(CliTables.String(job, "state"), CliTables.String(job, "stateReason"))),
            ("title", CliTables.String(job, "title")),
            ("subject", CliTables.Subject(job)),
            ("attempt", CliTables.String(job, "attempt")),
            ("doing", CliTables.Doing(job)),
            ("repository", CliTables.String(job, "repository")),
            ("branch", CliTables.String(job, "branch")),
            ("commit", CliTables.String(job, "commit")),
            ("pull request", CliTables.String(job, "pullRequestUrl")),
            ("worker", CliTables.String(job, "workerVersion")),
            ("created", CliTables.Time(job, "createdAt")),
            ("launched", CliTables.Time(job, "launchedAt")),
            ("connected", CliTables.Time(job, "connectedAt")),
            ("last heartbeat", CliTables.Time(job, "lastHeartbeatAt")),
            ("ended", CliTables.Time(job, "endedAt")),
            ("duration", CliTables.Duration(job, "durationMs")),
            ("run", CliTables.Duration(job, "runMs")),
            ("tokens", $"{CliTables.String(usage, "inputTokens")} in ({CliTables.String(usage, "cachedInputTokens")} cached), {CliTables.String(usage, "outputTokens")} out ({CliTables.String(usage, "reasoningOutputTokens")} reasoning)"),
            ("cost", CostLine(job)),
            ("budget", BudgetLine(job)),
            ("stopped at budget", job.TryGetProperty("budget", out var budget) ? Join(CliTables.Time(budget, "stoppedAt"), CliTables.String(budget, "stopReason")) : null),
            ("subject cost", detail.TryGetProperty("subjectCost", out var subject) && subject.ValueKind == JsonValueKind.Object
                ? $"{CliTables.Money(subject, "cost")} for {CliTables.String(subject, "jobs")} jobs of this {(CliTables.String(job, "ticketKey") is null ? "incident" : "ticket")}" +
                  (CliTables.String(subject, "unpricedJobs") is { } unpriced && unpriced != "0" ? $" ({unpriced} without a price)" : "")
                : null),
            ("cancel requested", Join(CliTables.Time(job, "cancelRequestedAt"), CliTables.String(job, "cancelReason"))),
            ("archive", job.TryGetProperty("archive", out var archive) && archive.ValueKind == JsonValueKind.Object
                ? CliTables.String(archive, "location") ?? $"{CliTables.String(archive, "failures")} failed uploads: {CliTables.String(archive, "lastError")}"
                : null),
        ]));

        if (detail.TryGetProperty("ticket", out var ticket) && ticket.ValueKind == JsonValueKind.Object)
        {
            console.Write(new Rule("ticket").LeftJustified());
            console.Write(CliTables.Facts(
            [
                ("key", CliTables.String(ticket, "key")),
                ("url", CliTables.String(ticket, "url")),
                ("status", CliTables.String(ticket, "status")),
                ("summary", CliTables.String(ticket, "summary")),
            ]));
        }

        if (detail.TryGetProperty("alarms", out var alarms) && alarms.ValueKind == JsonValueKind.Array)
        {
            console.Write(new Rule("alarms").LeftJustified());
            var table = CliTables.Table("AT", "ALARM", "STATE", "REASON");
            foreach (var alarm in alarms.EnumerateArray())
            {
                table.AddRow(
                    new Text(CliTables.Time(alarm, "at") ?? ""), CliTables.Plain(CliTables.String(alarm, "name")),
                    CliTables.Plain(CliTables.String(alarm, "state")), CliTables.Plain(CliTables.String(alarm, "reason")));
            }

            console.Write(table);
        }

        if (detail.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
        {
            console.Write(new Rule("result").LeftJustified());
            console.Write(CliTables.Facts(
            [
                ("status", CliTables.String(result, "status")),
                ("error", Join(CliTables.String(result, "errorCode"), CliTables.String(result, "errorMessage"))),
                ("summary", CliTables.String(result, "summary")),
            ]));
        }

        if (detail.TryGetProperty("lineage", out var lineage) && lineage.ValueKind == JsonValueKind.Object)
        {
            WriteLineage(console, lineage, CliTables.String(job, "id"));
        }

        console.Write(new Rule("audit trail").LeftJustified());
        var events = CliTables.Table("AT", "EVENT", "REASON");
        foreach (var entry in detail.GetProperty("events").EnumerateArray())
        {
            var what = CliTables.String(entry, "event") == "cancel_requested"
                ? "cancel requested"
                : $"{CliTables.String(entry, "from") ?? "-"} -> {CliTables.String(entry, "to")}";
            events.AddRow(new Text(CliTables.Time(entry, "at") ?? ""), new Text(what), CliTables.Plain(CliTables.String(entry, "reason")));
        }

        console.Write(events);
    }

    /// <summary>The job that opened the pull request, the pull request, and its follow-ups in order (this job marked).</summary>
    private static void WriteLineage(IAnsiConsole console, JsonElement lineage, string? jobId)
    {
        var pullRequest = lineage.GetProperty("pullRequest");
        console.Write(new Rule("lineage").LeftJustified());
        console.Write(CliTables.Facts(
        [
            ("opened by", CliTables.String(lineage, "parentJobId") + (CliTables.String(lineage, "parentJobId") == jobId ? " (this job)" : "")),
            ("pull request", CliTables.String(pullRequest, "url")),
            ("branch", CliTables.String(pullRequest, "branch")),
        ]));
        var followUps = lineage.GetProperty("followUps");
        if (followUps.GetArrayLength() == 0)
        {
            console.WriteLine("no follow-ups");
            return;
        }

        var table = CliTables.Table("#", "FOLLOW-UP", "STATE", "COMMENTS", "CREATED", "COLLECTS UNTIL");
        foreach (var followUp in followUps.EnumerateArray())
        {
            var id = CliTables.String(followUp, "jobId");
            table.AddRow(
                new Text(CliTables.String(followUp, "sequence") ?? ""),
                new Text(id == jobId ? $"{id} (this job)" : id ?? ""),
                CliTables.State(CliTables.String(followUp, "state")),
                new Text(CliTables.String(followUp, "comments") ?? ""),
                new Text(CliTables.Time(followUp, "createdAt") ?? ""),
                new Text(CliTables.Time(followUp, "coalesceUntil") ?? ""));
        }

        console.Write(table);
    }

    /// <summary>"0.42 USD (tokens 0.40 USD at gpt-5-codex prices, worker 0.02 USD for 12m03s of 2 vCPU, 4 GiB)".</summary>
    private static string? CostLine(JsonElement job)
    {
        if (!job.TryGetProperty("cost", out var cost) || cost.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var model = CliTables.String(cost, "model") ?? "the agent's default model";
        var tokens = CliTables.Money(cost, "tokens") is { } t ? $"tokens {t} at {CliTables.String(cost, "pricedAs")} prices" : "tokens: no price";
        var worker = CliTables.Money(cost, "compute") is { } c
            ? $"worker {c} for {CliTables.Duration(cost, "computeMs")} of {CliTables.String(cost, "worker")}"
            : "worker: no price";
        return $"{CliTables.Cost(job)} ({tokens}, {worker}); model {model}";
    }

    private static string? BudgetLine(JsonElement job)
    {
        if (!job.TryGetProperty("budget", out var budget) || budget.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var caps = new[] { CliTables.Money(budget, "maxCost"), CliTables.String(budget, "maxTokens") is { } tokens ? $"{tokens} tokens" : null };
        return caps.Any(c => c is not null) ? "at most " + string.Join(" and ", caps.Where(c => c is not null)) : null;
    }

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}: {second}";
}
