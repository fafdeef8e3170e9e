namespace AgentConductor.Conductor.Launching.Docker;

/// <summary><c>Launcher:Kind = docker</c>: each worker is a container from <see cref="Image"/>, run through the docker CLI.</summary>
internal sealed class DockerLauncherOptions
{
    public const string Section = "DockerLauncher";

    /// <summary>The worker image (built by <c>scripts/build-images.sh</c> as <c>agent-conductor/worker:latest</c>).</summary>
    public string Image { get; set; } = "";

    /// <summary>The docker CLI: a program on PATH or a full path.</summary>
    public string DockerCommand { get; set; } = "docker";

    /// <summary>CPUs per worker (<c>docker run --cpus</c>).</summary>
    public decimal Cpus { get; set; } = 2;

    /// <summary>Memory per worker (<c>docker run --memory</c>): a number with an optional unit b, k, m or g.</summary>
    public string Memory { get; set; } = "4g";

    /// <summary>
    /// <c>docker run --network</c>. <c>host</c> lets a worker reach a conductor that listens on 127.0.0.1; any other
    /// network needs <c>Dispatch:ConductorUrl</c> to name an address the container can reach.
    /// </summary>
    public string Network { get; set; } = "host";

    /// <summary><c>docker run --pull</c>: <c>missing</c>, <c>never</c> (only local images) or <c>always</c>.</summary>
    public string Pull { get; set; } = "missing";

    /// <summary>Containers are named <c>&lt;NamePrefix&gt;&lt;job-id&gt;</c>.</summary>
    public string NamePrefix { get; set; } = "agent-worker-";

    /// <summary>
    /// Labels this conductor's containers (<c>agent-conductor.instance</c>); listing, re-adoption and pruning only
    /// look at containers with the same value, so two conductors on one Docker engine leave each other's workers alone.
    /// </summary>
    public string Instance { get; set; } = "conductor";

    /// <summary>
    /// Variables set in every worker container, as <c>NAME=value</c> entries (non-secret settings such as
    /// <c>Agent__Model=o3</c>). A list rather than a map, because configuration keys turn <c>__</c> into sections and
    /// the worker's own setting names contain it.
    /// </summary>
    public List<string> Environment { get; set; } = [];

    /// <summary><see cref="Environment"/> as name and value; entries without <c>=</c> are left to the validator.</summary>
    public IEnumerable<KeyValuePair<string, string>> EnvironmentVariables() =>
        Environment.Where(e => e?.Contains('=', StringComparison.Ordinal) == true)
            .Select(e => new KeyValuePair<string, string>(e[..e.IndexOf('=', StringComparison.Ordinal)], e[(e.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    /// <summary>
    /// Names of the conductor's own environment variables handed on to every worker (secrets such as
    /// <c>GITHUB_TOKEN</c> and <c>CODEX_API_KEY</c>); a variable the conductor does not have is left out.
    /// </summary>
    public List<string> PassEnvironment { get; set; } = [];

    /// <summary>More <c>docker run</c> arguments, placed before the image (mounts, <c>--user</c>, <c>--add-host</c>...).</summary>
    public List<string> ExtraArgs { get; set; } = [];

    /// <summary>How long one docker CLI call may take (a stop may take its grace on top).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Exited worker containers (kept for <c>docker logs</c>) are removed once they were created this long ago.</summary>
    public TimeSpan KeepExited { get; set; } = TimeSpan.FromDays(1);
}
