namespace AgentConductor.Conductor.Archive;

/// <summary>An object could not be uploaded (store unreachable, access denied, no such bucket ...); the message says why.</summary>
internal sealed class ArchiveUploadException(string message, Exception innerException) : Exception(message, innerException);
