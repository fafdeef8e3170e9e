using System.CommandLine;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Storage;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Cli;

/// <summary><c>run</c> (the default): the conductor service. Settings may follow as <c>--Section:Key=value</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the conductor service (the default when no command is given)");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var app = ConductorApplication.Build(settings);
            app.Services.GetRequiredService<SettingsCheck>().ThrowIfInvalid(app.Services, app.Configuration);
            await app.RunAsync(cancellationToken);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (StartupFailure(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync($"agent-conductor: cannot start: {reason}");
            return ExitCodes.InvalidInput;
        }
    }

    /// <summary>A readable reason for failures that are configuration or database problems, not bugs.</summary>
    private static string? StartupFailure(Exception ex) => ex switch
    {
        OptionsValidationException options => string.Join(Environment.NewLine + "  ", options.Failures),
        StorageException storage => storage.Message,
        ConfigurationInvalidException configuration => string.Join(Environment.NewLine + "  ", configuration.Problems),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => StartupFailure(e) is not null) =>
            string.Join(Environment.NewLine + "  ", aggregate.InnerExceptions.Select(e => StartupFailure(e))),
        InvalidOperationException { Message: var message } when message.Contains("configuration value", StringComparison.Ordinal) =>
            ex.InnerException is null ? message : $"{message} ({ex.InnerException.Message})",
        _ => null,
    };
}
