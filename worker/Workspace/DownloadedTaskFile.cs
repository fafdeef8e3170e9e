namespace AgentConductor.Worker.Workspace;

/// <summary>A task file verified and placed in the workspace.</summary>
/// <param name="Path">The relative path, as the conductor sent it.</param>
/// <param name="FullPath">Where it is on disk.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lowercase hex.</param>
internal sealed record DownloadedTaskFile(string Path, string FullPath, long Size, string Sha256);
