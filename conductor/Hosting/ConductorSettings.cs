using System.ComponentModel.DataAnnotations;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Hosting;

/// <summary>
/// The conductor's settings read the way the service reads them (appsettings.json beside the binary, then
/// environment variables such as <c>Scheduler__ChainWindow</c>, then <c>--Section:Key=value</c> arguments), for
/// commands that run without the web host. Every problem is reported at once.
/// </summary>
internal sealed record ConductorSettings(SchedulerOptions Scheduler, IntakeOptions Intake, StorageOptions Storage)
{
    /// <summary>The follow-up rules and the GitHub webhook secret, with which stored deliveries are verified again.</summary>
    public FollowUpSettings FollowUps { get; init; } = FollowUpSettings.Default;

    public static IConfigurationRoot BuildConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

    public static ConductorSettings Load(string[] args)
    {
        var configuration = BuildConfiguration(args);
        var problems = new List<string>();
        var settings = new ConductorSettings(
            Bind<SchedulerOptions>(configuration, SchedulerOptions.Section, problems),
            Bind<IntakeOptions>(configuration, IntakeOptions.Section, problems),
            Bind<StorageOptions>(configuration, StorageOptions.Section, problems));
        var scheduler = new SchedulerOptionsValidator().Validate(null, settings.Scheduler);
        if (scheduler.Failed)
        {
            problems.AddRange(scheduler.Failures);
        }

        problems.AddRange(ValidateAnnotations(settings.Intake, IntakeOptions.Section));
        problems.AddRange(ValidateAnnotations(settings.Storage, StorageOptions.Section));
        var followUps = Bind<FollowUpOptions>(configuration, FollowUpOptions.Section, problems);
        var gitHub = Bind<GitHubWebhookOptions>(configuration, GitHubWebhookOptions.Section, problems);
        problems.AddRange(new FollowUpOptionsValidator().Validate(null, followUps).Failures ?? []);
        problems.AddRange(new GitHubWebhookOptionsValidator().Validate(null, gitHub).Failures ?? []);
        settings = settings with { FollowUps = new FollowUpSettings(followUps, gitHub.WebhookSecret) };
        return problems.Count == 0 ? settings : throw new ConfigurationInvalidException(problems);
    }

    public static IEnumerable<string> ValidateAnnotations(object options, string section)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => $"{section}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}");
    }

    private static T Bind<T>(IConfiguration configuration, string section, List<string> problems)
        where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the setting: "Failed to convert configuration value at 'Scheduler:ChainWindow' ..."
            problems.Add(ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})");
        }

        return options;
    }
}
