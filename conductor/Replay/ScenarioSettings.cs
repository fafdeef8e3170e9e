using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Replay;

/// <summary>A scenario runs on the built-in defaults plus its own options, so its result never depends on local configuration.</summary>
internal static class ScenarioSettings
{
    public static (SchedulerOptions Scheduler, IntakeOptions Intake) Resolve(ScenarioOptions options)
    {
        var scheduler = new SchedulerOptions();
        scheduler.ChainWindow = options.ChainWindow ?? scheduler.ChainWindow;
        scheduler.MaxIncidentSpan = options.MaxIncidentSpan ?? scheduler.MaxIncidentSpan;
        scheduler.AllowedProjects = options.AllowedProjects?.ToList() ?? scheduler.AllowedProjects;
        scheduler.RequiredLabel = options.RequiredLabel ?? scheduler.RequiredLabel;
        var intake = new IntakeOptions();
        intake.MaxBodyBytes = options.MaxBodyBytes ?? intake.MaxBodyBytes;
        var validation = new SchedulerOptionsValidator().Validate(null, scheduler);
        if (validation.Failed)
        {
            throw new ScenarioFormatException("options", validation.Failures.ToList());
        }

        return (scheduler, intake);
    }

    /// <summary>The follow-up rules and the webhook secret of a scenario: the defaults plus its options.</summary>
    public static FollowUpSettings FollowUps(ScenarioOptions options)
    {
        var followUps = new FollowUpOptions();
        followUps.Handle = options.FollowUpHandle ?? followUps.Handle;
        followUps.CoalesceWindow = options.CoalesceWindow ?? followUps.CoalesceWindow;
        followUps.MaxPerPullRequest = options.MaxFollowUpsPerPullRequest ?? followUps.MaxPerPullRequest;
        followUps.OnFailedChecks = options.FollowUpsOnFailedChecks ?? followUps.OnFailedChecks;
        followUps.IgnoredLogins = options.FollowUpIgnoredLogins?.ToList() ?? followUps.IgnoredLogins;
        var problems = new List<string>();
        problems.AddRange(new FollowUpOptionsValidator().Validate(null, followUps).Failures ?? []);
        problems.AddRange(new GitHubWebhookOptionsValidator().Validate(null, new GitHubWebhookOptions { WebhookSecret = options.WebhookSecret }).Failures ?? []);
        return problems.Count == 0 ? new FollowUpSettings(followUps, options.WebhookSecret) : throw new ScenarioFormatException("options", problems);
    }
}
