namespace AgentConductor.Conductor.TaskFiles;

/// <summary>A task file that is no template: <paramref name="SourcePath"/>'s bytes served as <paramref name="Path"/> (e.g. a follow-up's agent session).</summary>
internal sealed record ExtraTaskFile(string Path, string SourcePath);
