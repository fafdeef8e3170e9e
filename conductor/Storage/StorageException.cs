namespace AgentConductor.Conductor.Storage;

/// <summary>The database cannot be used as it is: unreadable, not a database, or from a newer conductor.</summary>
internal sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner);
