using System.CommandLine;

namespace AgentConductor.Conductor.Cli;

/// <summary>The conductor binary's commands. With no command it runs the service.</summary>
internal static class ConductorCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var run = RunCommand.Create();
        var root = new RootCommand("Agent Conductor: schedules coding agents for Jira tickets and CloudWatch incidents")
        {
            run,
            ReplayCommand.Create(),
            ScenarioCommand.Create(),
            SendCommand.Create(),
            CancelCommand.Create(),
            StatusCommand.Create(),
            JobsCommand.Create(),
            ShowCommand.Create(),
            LogsCommand.Create(),
            CostsCommand.Create(),
            FeedCommand.Create(),
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, cancellationToken) => RunCommand.RunAsync([.. parse.UnmatchedTokens], cancellationToken));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for usage.");
            return ExitCodes.InvalidInput;
        }

        // The service handles SIGTERM/SIGINT itself (the host's graceful stop); System.CommandLine's own handler would
        // cut that stop short after two seconds with exit code 143.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
