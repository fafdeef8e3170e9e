namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>A GitHub account: its login and whether it is a bot (<c>type: Bot</c>, e.g. a GitHub App).</summary>
internal sealed record GitHubActor(string Login, bool IsBot);
