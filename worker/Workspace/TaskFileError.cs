namespace AgentConductor.Worker.Workspace;

/// <summary>Why a task file was refused.</summary>
internal enum TaskFileError
{
    /// <summary>The path is not a safe relative path inside the workspace (absolute, "..", backslash, NUL, symlink ...).</summary>
    UnsafePath,

    /// <summary>The content's size or SHA-256 differs from the header, or the header from the handshake's file list.</summary>
    Mismatch,

    /// <summary>The stream ended (or the next file started) before the file's announced size arrived.</summary>
    Truncated,

    /// <summary>The stream broke the protocol: data before a header, a file sent twice, a file missing, a bad header.</summary>
    Protocol,
}
