using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Benchmarks.Scheduling;

/// <summary>
/// A realistic stream for the scheduler: new tickets (each one a job), ticket updates, alarms of 50
/// accounts arriving in time order (opening, joining and breaking chains), OK transitions and junk.
/// Bodies are built up front so the measurement covers only storing and deciding.
/// </summary>
internal static class BenchmarkMessages
{
    public static List<InboundMessage> Create(int count, int offset, DateTimeOffset start)
    {
        var messages = new List<InboundMessage>(count);
        for (var i = offset; i < offset + count; i++)
        {
            var at = start.AddMilliseconds(i * 250L);
            var body = (i % 20) switch
            {
                < 8 => SampleMessages.JiraWebhook("jira:issue_created", $"BENCH-{i}", $"Benchmark ticket {i}", at, "agent").ToJsonString(),
                < 10 => SampleMessages.JiraWebhook("jira:issue_updated", $"BENCH-{Math.Max(0, i - 40)}", "Edited summary", at, "agent").ToJsonString(),
                < 18 => SampleMessages.EventBridgeAlarm($"e{i}", $"1111{i % 50:D8}", $"alarm-{i % 7}", "ALARM", at).ToJsonString(),
                18 => SampleMessages.EventBridgeAlarm($"e{i}", $"1111{i % 50:D8}", $"alarm-{i % 7}", "OK", at).ToJsonString(),
                _ => "{\"not\": \"a message we know\"}",
            };
            messages.Add(new InboundMessage($"bench-{i}", body, at));
        }

        return messages;
    }
}
