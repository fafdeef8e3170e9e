namespace AgentConductor.Worker.Sessions;

/// <summary>A session archive that cannot be used: not a gzip-compressed tar, or an entry that breaks <see cref="SessionArchive"/>'s rules.</summary>
internal sealed class SessionArchiveException(string message, Exception? inner = null) : Exception(message, inner);
