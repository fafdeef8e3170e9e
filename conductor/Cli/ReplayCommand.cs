using System.CommandLine;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// <c>replay FILE</c>: replays a scenario file, or the stored messages of a conductor database, into a fresh
/// database and prints the decisions. Exit 0 when the expectation holds (or there is none), 1 when it does not
/// (or, with --compare, when decisions changed), 2 when the input cannot be replayed.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("file") { Description = "A scenario file (.json) or a conductor database (SQLite)" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object: decisions, incidents, rejected, deliveries" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Messages per transaction (default: the scenario's batchSize option, else 1)" };
        var keepDatabase = new Option<FileInfo?>("--keep-db") { Description = "Write the replay database here instead of a temporary file" };
        var compare = new Option<bool>("--compare") { Description = "For a database input: show where today's decisions differ from the recorded ones" };
        var command = new Command("replay", "Replay a scenario file or a conductor database into a fresh database and print the decisions")
        {
            input, json, batchSize, keepDatabase, compare,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(input)!, parse.GetValue(json), parse.GetValue(batchSize), parse.GetValue(keepDatabase), parse.GetValue(compare), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo input, bool json, int? batchSize, FileInfo? keepDatabase, bool compare, CancellationToken cancellationToken)
    {
        if (!input.Exists)
        {
            await Console.Error.WriteLineAsync($"replay: '{input.FullName}' does not exist.");
            return ExitCodes.InvalidInput;
        }

        if (batchSize is < 1)
        {
            await Console.Error.WriteLineAsync("replay: --batch-size must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        var databasePath = keepDatabase?.FullName ?? Path.Combine(Path.GetTempPath(), $"agent-conductor-replay-{Guid.NewGuid():N}.db");
        if (File.Exists(databasePath))
        {
            await Console.Error.WriteLineAsync($"replay: '{databasePath}' already exists; the replay writes a fresh database.");
            return ExitCodes.InvalidInput;
        }

        try
        {
            return RecordedHistory.IsDatabase(input.FullName)
                ? await ReplayDatabaseAsync(input.FullName, json, batchSize ?? 100, compare, databasePath, cancellationToken)
                : await ReplayScenarioAsync(input.FullName, json, batchSize, databasePath, cancellationToken);
        }
        catch (ScenarioFormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.InvalidInput;
        }
        catch (StorageException ex)
        {
            await Console.Error.WriteLineAsync($"replay: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (ConfigurationInvalidException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.InvalidInput;
        }
        finally
        {
            if (keepDatabase is null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(databasePath + suffix);
                }
            }
        }
    }

    private static async Task<int> ReplayScenarioAsync(string path, bool json, int? batchSize, string databasePath, CancellationToken cancellationToken)
    {
        var scenario = ScenarioLoader.Load(path);
        var (scheduler, intake) = ScenarioSettings.Resolve(scenario.Options);
        var followUps = ScenarioSettings.FollowUps(scenario.Options);
        var report = await ReplayRunner.RunAsync(scenario.Steps, scheduler, intake, followUps, databasePath, batchSize ?? scenario.Options.BatchSize ?? 1, cancellationToken);
        Console.Out.Write(json ? ReplayOutput.ToJson(report) + Environment.NewLine : ReplayOutput.ToText(scenario.Name, report));
        if (scenario.Expect is null)
        {
            return ExitCodes.Ok;
        }

        var differences = ExpectationChecker.Check(scenario.Expect, report);
        if (differences.Count == 0)
        {
            if (!json)
            {
                Console.Out.WriteLine("expectation: holds");
            }

            return ExitCodes.Ok;
        }

        await Console.Error.WriteLineAsync($"{scenario.Name}: expectation does not hold ({differences.Count} differences):");
        foreach (var difference in differences)
        {
            await Console.Error.WriteLineAsync($"  {difference}");
        }

        return ExitCodes.Failed;
    }

    private static async Task<int> ReplayDatabaseAsync(string path, bool json, int batchSize, bool compare, string databasePath, CancellationToken cancellationToken)
    {
        List<ScenarioStep> steps;
        ReplayReport recorded;
        using (var source = RecordedHistory.OpenReadOnly(path))
        {
            steps = RecordedHistory.ReadSteps(source);
            recorded = ReplayReportReader.Read(source, duplicates: 0);
        }

        var settings = ConductorSettings.Load([]);
        var report = await ReplayRunner.RunAsync(steps, settings.Scheduler, settings.Intake, settings.FollowUps, databasePath, batchSize, cancellationToken);
        Console.Out.Write(json ? ReplayOutput.ToJson(report) + Environment.NewLine : ReplayOutput.ToText(Path.GetFileName(path), report));
        if (!compare)
        {
            return ExitCodes.Ok;
        }

        var differences = DecisionComparison.Compare(recorded.Decisions, report.Decisions);
        var stream = json ? Console.Error : Console.Out;
        await stream.WriteLineAsync(differences.Count == 0
            ? $"compare: same {report.Decisions.Count} decisions as recorded"
            : $"compare: {differences.Count} differences from the {recorded.Decisions.Count} recorded decisions:");
        foreach (var difference in differences)
        {
            await stream.WriteLineAsync($"  {difference}");
        }

        return differences.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
