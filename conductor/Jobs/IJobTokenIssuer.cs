namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Issues the token a worker presents at its handshake: a fresh 256-bit secret per launch attempt, of which only a
/// hash is stored. The plain text is returned once, to be handed to the launcher.
/// </summary>
internal interface IJobTokenIssuer
{
    string Issue(string jobId);
}
