namespace AgentConductor.Conductor.Launching;

/// <summary>
/// What a launcher needs to start one worker. <see cref="Token"/> is the job token in plain text: it goes into the
/// worker's environment only, never onto a command line or into a log (<see cref="ToString"/> leaves it out).
/// </summary>
internal sealed record LaunchRequest(string JobId, int Attempt, string Token, string ConductorUrl, string CloneUrl, string BaseBranch)
{
    public override string ToString() => $"LaunchRequest {{ JobId = {JobId}, Attempt = {Attempt}, CloneUrl = {CloneUrl}, BaseBranch = {BaseBranch} }}";
}
