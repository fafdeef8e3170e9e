namespace AgentConductor.Conductor.TaskFiles;

/// <summary>One materialised task file: its path relative to the task folder ('/'-separated), size, Unix mode and SHA-256 (lowercase hex).</summary>
internal sealed record TaskFile(string Path, long Size, uint Mode, string Sha256);
