using System.Globalization;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// Writes large synthetic scenarios with their expectations computed from the grouping rule itself
/// (<see cref="IncidentSegmenter"/>), so a generated file checks the incremental scheduler against the rule.
/// </summary>
internal static class ScenarioGenerator
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="perSecond"/> new tickets a second for <paramref name="seconds"/>; every tenth is redelivered and every fifth updated.</summary>
    public static JsonObject TicketFlood(int perSecond, int seconds, DateTimeOffset start)
    {
        var steps = new JsonArray();
        var decisions = new JsonArray();
        var duplicates = 0;
        var n = 0;
        for (var second = 0; second < seconds; second++)
        {
            for (var i = 0; i < perSecond; i++)
            {
                n++;
                var at = start.AddSeconds(second).AddMilliseconds(i * 1000 / perSecond);
                var key = $"FLOOD-{n}";
                var id = $"t{n}";
                steps.Add(Step(at, id, SampleMessages.JiraWebhook("jira:issue_created", key, $"Generated ticket {n}", at, "agent")));
                decisions.Add(new JsonObject { ["kind"] = "ticket", ["ticketKey"] = key, ["messageId"] = id });
                if (n % 10 == 0)
                {
                    steps.Add(Step(at, id, SampleMessages.JiraWebhook("jira:issue_created", key, $"Generated ticket {n}", at, "agent")));
                    duplicates++;
                }

                if (n % 5 == 0)
                {
                    steps.Add(Step(at, $"{id}-update", SampleMessages.JiraWebhook("jira:issue_updated", key, $"Generated ticket {n} (edited)", at, "agent")));
                }
            }
        }

        return Scenario(
            $"{perSecond} tickets a second for {seconds} s",
            new JsonObject { ["batchSize"] = 10 },
            steps,
            new JsonObject { ["decisions"] = decisions, ["counts"] = new JsonObject { ["decisions"] = n, ["incidents"] = 0, ["rejected"] = 0, ["duplicates"] = duplicates } });
    }

    /// <summary>
    /// <paramref name="alarms"/> ALARM transitions spread at random over <paramref name="span"/> across
    /// <paramref name="accounts"/> accounts; with <paramref name="shuffle"/> they arrive in random order.
    /// </summary>
    public static JsonObject AlarmStorm(int alarms, int accounts, TimeSpan span, bool shuffle, int seed, DateTimeOffset start, SchedulerOptions rules)
    {
        var random = new Random(seed);
        var generated = Enumerable.Range(1, alarms)
            .Select(i => (Id: $"a{i}", Account: (111100000000L + random.Next(accounts)).ToString(CultureInfo.InvariantCulture), At: start.AddSeconds(random.NextDouble() * span.TotalSeconds)))
            .Select(a => a with { At = DateTimeOffset.FromUnixTimeMilliseconds(a.At.ToUnixTimeMilliseconds()) })
            .OrderBy(a => a.At)
            .ToList();
        var arrival = shuffle ? generated.OrderBy(_ => random.Next()).ToList() : generated;
        var receivedAt = start;
        var steps = new JsonArray();
        foreach (var alarm in arrival)
        {
            receivedAt = shuffle ? receivedAt.AddSeconds(1) : alarm.At.AddSeconds(2);
            steps.Add(Step(receivedAt, alarm.Id, SampleMessages.EventBridgeAlarm(alarm.Id, alarm.Account, $"storm-{alarm.Id}", "ALARM", alarm.At)));
        }

        var incidents = new JsonArray();
        foreach (var account in generated.GroupBy(a => a.Account).OrderBy(g => g.Key))
        {
            var times = account.Select(a => a.At.ToUnixTimeMilliseconds()).ToList();
            foreach (var (first, count) in IncidentSegmenter.Segment(times, (long)rules.ChainWindow.TotalMilliseconds, (long)rules.MaxIncidentSpan.TotalMilliseconds))
            {
                incidents.Add(new JsonObject
                {
                    ["account"] = account.Key,
                    ["alarms"] = count,
                    ["firstAt"] = ReplayOutput.Iso(DateTimeOffset.FromUnixTimeMilliseconds(times[first])),
                    ["lastAt"] = ReplayOutput.Iso(DateTimeOffset.FromUnixTimeMilliseconds(times[first + count - 1])),
                });
            }
        }

        var options = new JsonObject
        {
            ["chainWindow"] = rules.ChainWindow.ToString("c", CultureInfo.InvariantCulture),
            ["maxIncidentSpan"] = rules.MaxIncidentSpan.ToString("c", CultureInfo.InvariantCulture),
        };
        var counts = new JsonObject { ["incidents"] = incidents.Count, ["rejected"] = 0 };
        if (!shuffle)
        {
            counts["decisions"] = incidents.Count; // in order, every incident is decided once and never merged
        }

        return Scenario(
            $"{alarms} alarms over {span} across {accounts} accounts{(shuffle ? ", arriving in random order" : "")}",
            options,
            steps,
            new JsonObject { ["incidents"] = incidents, ["counts"] = counts });
    }

    private static JsonObject Step(DateTimeOffset at, string messageId, JsonNode body) => new()
    {
        ["at"] = ReplayOutput.Iso(at),
        ["messageId"] = messageId,
        ["body"] = body,
    };

    private static JsonObject Scenario(string name, JsonObject options, JsonArray steps, JsonObject expect) => new()
    {
        ["name"] = name,
        ["options"] = options,
        ["steps"] = steps,
        ["expect"] = expect,
    };
}
