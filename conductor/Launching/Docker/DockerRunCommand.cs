using System.Globalization;

namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>
/// The <c>docker run</c> of one worker. Every variable is passed by name only (<c>--env NAME</c>): its value sits in
/// the docker CLI's own environment, from which docker copies it into the container, so no value (the job token
/// least of all) ever appears on a command line. Only those variables reach the container: the conductor's own
/// environment never does. The worker runs as the image's root with every capability dropped but the four it needs
/// to run the agent as a user of its own (<see cref="Capabilities"/>), and nothing in the container gains privileges.
/// </summary>
internal sealed record DockerRunCommand(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// What the worker keeps of root's capabilities: CHOWN (hand the workspace to the agent's user), KILL (stop the agent,
    /// another user's process), SETUID and SETGID (start it as that user). The agent gets none of them.
    /// </summary>
    public static readonly IReadOnlyList<string> Capabilities = ["CHOWN", "KILL", "SETGID", "SETUID"];

    public static string ContainerName(DockerLauncherOptions options, string jobId) => options.NamePrefix + jobId;

    public static DockerRunCommand For(DockerLauncherOptions options, LaunchRequest request)
    {
        var settings = options.EnvironmentVariables().ToList();
        var environment = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        foreach (var (name, value) in request.WorkerEnvironment())
        {
            environment[name] = value;
        }

        List<string> arguments =
        [
            "run", "--detach",
            "--name", ContainerName(options, request.JobId),
            "--pull", options.Pull,
            "--network", options.Network,
            "--cpus", options.Cpus.ToString(CultureInfo.InvariantCulture),
            "--memory", options.Memory,
            "--security-opt", "no-new-privileges",
            "--cap-drop", "ALL",
            .. Capabilities.SelectMany(c => new[] { "--cap-add", c }),
            "--label", $"{DockerLabels.Instance}={options.Instance}",
            "--label", $"{DockerLabels.JobId}={request.JobId}",
            "--label", $"{DockerLabels.Attempt}={request.Attempt.ToString(CultureInfo.InvariantCulture)}",
            "--label", $"{DockerLabels.Kind}={request.Kind}",
        ];
        if (request.Subject is { Length: > 0 } subject)
        {
            arguments.AddRange(["--label", $"{DockerLabels.Subject}={subject}"]);
        }

        foreach (var name in request.WorkerEnvironment().Select(v => v.Key).Concat(settings.Select(s => s.Key)).Concat(options.PassEnvironment))
        {
            arguments.AddRange(["--env", name]);
        }

        arguments.AddRange(options.ExtraArgs);
        arguments.Add(options.Image);
        return new DockerRunCommand(arguments, environment);
    }
}
