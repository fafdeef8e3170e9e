namespace AgentConductor.Worker.Sessions;

/// <summary>The archive to upload: where it is, its size and digest, and how many files it holds and were dropped.</summary>
internal sealed record NormalizedSession(string Path, long Size, string Sha256, int Files, int Dropped);
