namespace AgentConductor.Conductor.Launching;

/// <summary>
/// What a launcher needs to start one worker. <see cref="Token"/> is the job token in plain text: it goes into the
/// worker's environment only, never onto a command line or into a log (<see cref="ToString"/> leaves it out).
/// <see cref="Kind"/> and <see cref="Subject"/> are for the launcher's tags and labels.
/// </summary>
internal sealed record LaunchRequest(string JobId, int Attempt, string Token, string ConductorUrl, string CloneUrl, string BaseBranch)
{
    /// <summary>The variable that hands the worker the context of its launch's span (W3C traceparent), when tracing is on.</summary>
    public const string TraceParentVariable = "TRACEPARENT";

    /// <summary><c>ticket</c>, <c>incident</c> or <c>followup</c>.</summary>
    public string Kind { get; init; } = "ticket";

    /// <summary>The ticket key of a ticket job, the AWS account of an incident job, the parent job of a follow-up.</summary>
    public string? Subject { get; init; }

    /// <summary>The variables every launcher sets in a worker's environment (the worker reads its job from them).</summary>
    public static IReadOnlyList<string> WorkerVariables { get; } = ["CONDUCTOR_URL", "JOB_ID", "JOB_TOKEN"];

    /// <summary>The <c>job.launch</c> span's context, which the worker's calls continue; null when tracing is off.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// <see cref="WorkerVariables"/> with this launch's values, the job token among them, then <see cref="TraceParentVariable"/>
    /// when the launch is traced.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> WorkerEnvironment() =>
        WorkerVariables.Zip([ConductorUrl, JobId, Token], (name, value) => new KeyValuePair<string, string>(name, value))
            .Concat(TraceParent is { Length: > 0 } trace ? [new KeyValuePair<string, string>(TraceParentVariable, trace)] : []);

    public override string ToString() => $"LaunchRequest {{ JobId = {JobId}, Attempt = {Attempt}, Kind = {Kind}, Subject = {Subject}, CloneUrl = {CloneUrl}, BaseBranch = {BaseBranch} }}";
}
