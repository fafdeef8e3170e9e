namespace AgentConductor.Conductor.Storage;

/// <summary>One schema step: migration N moves a database from <c>user_version</c> N-1 to N.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
