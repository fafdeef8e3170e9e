namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>
/// A docker CLI call that gave no usable answer: the program could not be started, did not finish in time, or the
/// engine failed. <see cref="ProgramMissing"/> is a setting to fix, not something that passes.
/// </summary>
internal sealed class DockerCliException(string message, bool programMissing = false, Exception? innerException = null) : Exception(message, innerException)
{
    public bool ProgramMissing => programMissing;
}
