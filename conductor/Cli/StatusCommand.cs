using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>status</c>: the fleet at a glance (gate, SQS intake, active, pending and ended jobs, jobs by state).</summary>
internal static class StatusCommand
{
    public static Command Create() => ApiCommand.Create("status", "Show a running conductor's gate, intake and job counts", async (api, _, json, cancellationToken) =>
    {
        if (json)
        {
            await System.Console.Out.WriteLineAsync(await api.GetTextAsync("/v1/status", cancellationToken));
            return ExitCodes.Ok;
        }

        var status = await api.GetJsonAsync("/v1/status", cancellationToken);
        var console = CliTables.Console();
        var sqs = status.TryGetProperty("sqs", out var intake) && intake.ValueKind == JsonValueKind.Object
            ? $"{CliTables.String(intake, "state")} ({CliTables.String(intake, "received")} received, {CliTables.String(intake, "stored")} stored, {CliTables.String(intake, "rejected")} rejected)"
            : "off (local inbox only)";
        console.Write(CliTables.Facts(
        [
            ("conductor", api.Address.ToString()),
            ("gate", CliTables.String(status, "gate")),
            ("sqs intake", sqs),
            ("active jobs", CliTables.String(status, "activeJobs")),
            ("pending jobs", CliTables.String(status, "pendingJobs")),
            ("ended jobs", CliTables.String(status, "endedJobs")),
        ]));
        var byState = CliTables.Table("STATE", "JOBS");
        foreach (var state in status.GetProperty("jobsByState").EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            byState.AddRow(CliTables.State(state.Name), new Text(state.Value.GetRawText()));
        }

        if (byState.Rows.Count > 0)
        {
            console.Write(byState);
        }

        return ExitCodes.Ok;
    });
}
