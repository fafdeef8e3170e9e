namespace AgentConductor.Worker.Processes;

/// <summary>Which pipe a line came from.</summary>
internal enum OutputStream
{
    StandardOutput,
    StandardError,
}
