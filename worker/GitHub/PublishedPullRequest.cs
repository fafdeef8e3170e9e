namespace AgentConductor.Worker.GitHub;

/// <summary>The pull request the job ended with; <see cref="Reused"/> when an earlier run had opened it.</summary>
internal sealed record PublishedPullRequest(Uri Url, int Number, bool Reused);
