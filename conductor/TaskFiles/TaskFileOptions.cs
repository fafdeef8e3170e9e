namespace AgentConductor.Conductor.TaskFiles;

/// <summary>Where task templates come from and where each job's task files are written.</summary>
internal sealed class TaskFileOptions
{
    public const string Section = "TaskFiles";

    /// <summary>
    /// The operator's template folder: one sub-folder per job kind (<c>ticket/</c>, <c>incident/</c>, <c>followup/</c>); every file in it,
    /// recursively, becomes a task file. Empty means the templates shipped beside the conductor (<c>Templates/</c>).
    /// </summary>
    public string? TemplateFolder { get; set; }

    /// <summary>Each job's files are written to <c>&lt;WorkFolder&gt;/&lt;job-id&gt;/task/</c> and served from there.</summary>
    public string WorkFolder { get; set; } = "data/jobs";

    public string ResolvedTemplateFolder => string.IsNullOrWhiteSpace(TemplateFolder)
        ? Path.Combine(AppContext.BaseDirectory, "Templates")
        : Path.GetFullPath(TemplateFolder);
}
