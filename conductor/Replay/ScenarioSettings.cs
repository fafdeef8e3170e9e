using AgentConductor.Conductor.Intake;
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
}
