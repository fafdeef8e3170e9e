using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Benchmarks.Load;

/// <summary>What a worker streams while its agent works: Codex JSONL lines on stdout, and every tenth update a structured event.</summary>
internal static class ProgressLines
{
    private static readonly string[] Templates =
    [
        "{{\"type\":\"item.started\",\"item\":{{\"id\":\"item_{0}\",\"type\":\"command_execution\",\"command\":\"bash -lc 'dotnet test tests/Payments.Tests --filter Refund'\",\"status\":\"in_progress\"}}}}",
        "{{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_{0}\",\"type\":\"reasoning\",\"text\":\"**Checking the failing test** The assertion compares 10.01 with 10.00, so the amount is rounded before the currency conversion.\"}}}}",
        "{{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_{0}\",\"type\":\"file_change\",\"changes\":[{{\"path\":\"src/Payments/RefundCalculator.cs\",\"kind\":\"update\"}}],\"status\":\"completed\"}}}}",
        "{{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_{0}\",\"type\":\"agent_message\",\"text\":\"Rounding now happens after the conversion; the refund tests pass.\"}}}}",
    ];

    public static ProgressUpdate Create(long sequence, Timestamp at)
    {
        if (sequence % 10 == 9)
        {
            return new ProgressUpdate
            {
                Progress = new ProgressEvent
                {
                    Timestamp = at,
                    CommandRun = new CommandRun { Command = "bash -lc 'dotnet test tests/Payments.Tests'", ExitCode = 0, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(3.2)) },
                },
            };
        }

        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[sequence % Templates.Length], sequence);
        return new ProgressUpdate { Log = new LogLine { Stream = LogStream.Stdout, Text = text, Timestamp = at } };
    }
}
