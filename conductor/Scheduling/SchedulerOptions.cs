namespace AgentConductor.Conductor.Scheduling;

/// <summary>The rules that turn tickets and alarms into jobs.</summary>
internal sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>An ALARM joins an incident when it is within this time (inclusive) of an alarm already in it.</summary>
    public TimeSpan ChainWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>No incident spans more than this from its first alarm; a storm that goes on opens a fresh incident.</summary>
    public TimeSpan MaxIncidentSpan { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When not empty, only tickets of these Jira projects get an agent (case-insensitive).</summary>
    public List<string> AllowedProjects { get; set; } = [];

    /// <summary>When set, only tickets carrying this label get an agent (case-insensitive). Adding the label later schedules the ticket then.</summary>
    public string? RequiredLabel { get; set; }
}
