namespace AgentConductor.Conductor.TaskFiles;

/// <summary>A task file cannot be assembled or served: an unsafe path, a symbolic link, a missing template folder.</summary>
internal sealed class TaskFileException(string message) : Exception(message);
