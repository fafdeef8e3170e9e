using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>scenario generate tickets|alarms</c>: writes large synthetic scenario files with their expectations.</summary>
internal static class ScenarioCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--out") { Description = "Write the scenario here (default: standard output)" };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same file)", DefaultValueFactory = _ => 1 };

        var perSecond = new Option<int>("--per-second") { Description = "New tickets a second", DefaultValueFactory = _ => 10 };
        var seconds = new Option<int>("--seconds") { Description = "How long the flood lasts", DefaultValueFactory = _ => 60 };
        var tickets = new Command("tickets", "A flood of new tickets, with redeliveries and updates") { output, perSecond, seconds };
        tickets.SetAction((parse, cancellationToken) => NotPositive(parse, perSecond, seconds) is { } problem
            ? Refuse(problem)
            : Write(ScenarioGenerator.TicketFlood(parse.GetValue(perSecond), parse.GetValue(seconds), ScenarioGenerator.DefaultStart), parse.GetValue(output), cancellationToken));

        var count = new Option<int>("--alarms") { Description = "How many ALARM transitions", DefaultValueFactory = _ => 100 };
        var accounts = new Option<int>("--accounts") { Description = "Across how many AWS accounts", DefaultValueFactory = _ => 20 };
        var span = new Option<TimeSpan>("--over") { Description = "Spread over this time, e.g. 01:00:00", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        var shuffle = new Option<bool>("--shuffle") { Description = "Deliver them in random order" };
        var window = new Option<TimeSpan>("--chain-window") { Description = "Scheduler ChainWindow for the scenario", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        var maxSpan = new Option<TimeSpan>("--max-incident-span") { Description = "Scheduler MaxIncidentSpan for the scenario", DefaultValueFactory = _ => TimeSpan.FromHours(24) };
        var alarms = new Command("alarms", "A storm of CloudWatch alarms across accounts") { output, seed, count, accounts, span, shuffle, window, maxSpan };
        alarms.SetAction((parse, cancellationToken) => NotPositive(parse, count, accounts) is { } problem ? Refuse(problem) : Write(
            ScenarioGenerator.AlarmStorm(
                parse.GetValue(count), parse.GetValue(accounts), parse.GetValue(span), parse.GetValue(shuffle), parse.GetValue(seed), ScenarioGenerator.DefaultStart,
                new SchedulerOptions { ChainWindow = parse.GetValue(window), MaxIncidentSpan = parse.GetValue(maxSpan) }),
            parse.GetValue(output),
            cancellationToken));

        return new Command("scenario", "Work with scenario files") { new Command("generate", "Write a synthetic scenario with its expectation") { tickets, alarms } };
    }

    private static string? NotPositive(ParseResult parse, params Option<int>[] counts) =>
        counts.FirstOrDefault(o => parse.GetValue(o) <= 0) is { } option ? $"scenario: {option.Name} must be positive (got {parse.GetValue(option)})" : null;

    private static async Task<int> Refuse(string problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return ExitCodes.InvalidInput;
    }

    private static async Task<int> Write(JsonObject scenario, FileInfo? output, CancellationToken cancellationToken)
    {
        var json = scenario.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
        if (output is null)
        {
            await Console.Out.WriteAsync(json);
        }
        else
        {
            try
            {
                await File.WriteAllTextAsync(output.FullName, json, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await Refuse($"scenario: cannot write {output.FullName}: {ex.Message}");
            }

            await Console.Error.WriteLineAsync($"wrote {output.FullName}");
        }

        return ExitCodes.Ok;
    }
}
