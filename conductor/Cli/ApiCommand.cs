using System.CommandLine;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// A command that talks to a running conductor's API: <c>--url</c>, <c>--api-key</c> (default <c>$CONDUCTOR_API_KEY</c>)
/// and <c>--json</c> (the API's JSON as it is, for scripts; tables otherwise). Exit 0 on success, 1 when the conductor
/// cannot be reached or refuses, 2 on bad usage.
/// </summary>
internal static class ApiCommand
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static Command Create(string name, string description, Func<ConductorApi, ParseResult, bool, CancellationToken, Task<int>> action, params Symbol[] symbols)
    {
        var url = new Option<string>("--url") { Description = "The conductor's API", DefaultValueFactory = _ => DefaultUrl };
        var apiKey = new Option<string?>("--api-key") { Description = "API key when the conductor requires one (default: $CONDUCTOR_API_KEY)" };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of tables" };
        var command = new Command(name, description) { url, apiKey, json };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"{name}: --url must be an http(s) address (got '{parse.GetValue(url)}')");
                return ExitCodes.InvalidInput;
            }

            using var api = new ConductorApi(address, parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("CONDUCTOR_API_KEY"));
            try
            {
                return await action(api, parse, parse.GetValue(json), cancellationToken);
            }
            catch (ConductorApiException ex)
            {
                await Console.Error.WriteLineAsync($"{name}: {ex.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
