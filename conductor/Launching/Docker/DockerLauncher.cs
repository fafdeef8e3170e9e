using System.Globalization;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>
/// Runs each worker as a container of <c>DockerLauncher:Image</c> through the docker CLI. The reference is the
/// container name, <c>&lt;NamePrefix&gt;&lt;job-id&gt;</c>, so the engine itself refuses a second container for a job;
/// labels carry the job id, attempt, kind, subject and this conductor's instance, and listing goes by that label.
/// Exited containers stay (exit code, <c>docker logs</c>) until a later attempt of the same job replaces them or they
/// are older than <c>KeepExited</c>. The job token is passed by name only (see <see cref="DockerRunCommand"/>).
/// </summary>
internal sealed partial class DockerLauncher(DockerCli docker, IOptions<DockerLauncherOptions> options, TimeProvider time, ILogger<DockerLauncher> logger) : ILauncher
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _launching = new(1, 1);
    private DateTimeOffset? _prunedAt;

    public async Task<LaunchedWorker> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var name = DockerRunCommand.ContainerName(settings, request.JobId);
        await _launching.WaitAsync(cancellationToken);
        try
        {
            await PruneAsync(cancellationToken);
            // An earlier container of the job goes, even a running one: every launch carries a fresh token, so a worker
            // still running for the job holds a revoked one (a launch that failed late, a crash while launching).
            if (await InspectForLaunchAsync(name, cancellationToken) is { } earlier)
            {
                await RemoveAsync(name, cancellationToken);
                Log.Replaced(logger, request.JobId, name, earlier.State);
            }

            var run = DockerRunCommand.For(settings, request);
            var result = await CallForLaunchAsync(run.Arguments, run.Environment, cancellationToken);
            if (!result.Succeeded)
            {
                throw await RunFailedAsync(name, result, cancellationToken);
            }

            var containerId = Shorten(result.Stdout);
            Log.Started(logger, request.JobId, name, containerId, settings.Image);
            return new LaunchedWorker(name) { Size = WorkerSize.DockerMemoryGib(settings.Memory) is { } gib ? new WorkerSize(settings.Cpus, gib) : null };
        }
        finally
        {
            _launching.Release();
        }
    }

    public async Task<WorkerStatus> GetStatusAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(["container", "inspect", reference], null, TimeSpan.Zero, cancellationToken);
        if (result.NotFound)
        {
            return WorkerStatus.Gone($"container {reference} does not exist");
        }

        // Anything else is the engine failing to answer: never reported as a gone worker (that would fail its job).
        return result.Succeeded && DockerInspect.Parse(result.Stdout) is [var container]
            ? container.Status
            : throw new DockerCliException($"cannot read the state of container {reference}: {result.Error}");
    }

    public Task<WorkerStatuses> GetStatusesAsync(IReadOnlyCollection<string> references, CancellationToken cancellationToken) =>
        WorkerStatuses.OneByOneAsync(references, GetStatusAsync, cancellationToken);

    public async Task StopAsync(string reference, TimeSpan grace, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Ceiling(Math.Max(0, grace.TotalSeconds));
        // docker stop sends the stop signal, waits the grace, then kills.
        var result = await docker.RunAsync(
            ["stop", "--time", seconds.ToString(CultureInfo.InvariantCulture), reference], null, TimeSpan.FromSeconds(seconds), cancellationToken);
        if (result.NotFound)
        {
            return;
        }

        if (!result.Succeeded)
        {
            throw new DockerCliException($"cannot stop container {reference}: {result.Error}");
        }

        var exitCode = await ExitCodeAsync(reference, cancellationToken);
        Log.Stopped(logger, reference, seconds, exitCode);
    }

    public async Task<IReadOnlyList<KnownWorker>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await docker.RunAsync(
            ["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={DockerLabels.Instance}={options.Value.Instance}"], null, TimeSpan.Zero, cancellationToken);
        if (!listed.Succeeded)
        {
            throw new DockerCliException($"cannot list worker containers: {listed.Error}");
        }

        var ids = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            return [];
        }

        // A container removed between the two calls is simply not in the answer.
        var inspected = await docker.RunAsync(["container", "inspect", .. ids], null, TimeSpan.Zero, cancellationToken);
        if (!inspected.Succeeded && !inspected.NotFound)
        {
            throw new DockerCliException($"cannot inspect worker containers: {inspected.Error}");
        }

        return [.. DockerInspect.Parse(inspected.Stdout)
            .Where(c => c.JobId is not null)
            .Select(c => new KnownWorker(c.JobId!, c.Name, c.Status))];
    }

    /// <summary>For the log only (137 means the grace ran out and docker killed it): a failure here is no failure to stop.</summary>
    private async Task<int?> ExitCodeAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await GetStatusAsync(reference, cancellationToken) is WorkerStatus.ExitedStatus exited ? exited.ExitCode : null;
        }
        catch (DockerCliException)
        {
            return null;
        }
    }

    /// <summary>Removes this conductor's stopped containers older than <c>KeepExited</c>, at most once an hour; failures only log.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_prunedAt is { } last && now - last < PruneEvery)
        {
            return;
        }

        _prunedAt = now;
        var keep = ((long)options.Value.KeepExited.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        try
        {
            var result = await docker.RunAsync(
                ["container", "prune", "--force", "--filter", $"label={DockerLabels.Instance}={options.Value.Instance}", "--filter", $"until={keep}s"],
                null, TimeSpan.Zero, cancellationToken);
            if (!result.Succeeded)
            {
                Log.PruneFailed(logger, result.Error);
            }
        }
        catch (DockerCliException ex)
        {
            Log.PruneFailed(logger, ex.Message);
        }
    }

    private async Task<DockerContainer?> InspectForLaunchAsync(string name, CancellationToken cancellationToken)
    {
        var result = await CallForLaunchAsync(["container", "inspect", name], null, cancellationToken);
        if (result.NotFound)
        {
            return null;
        }

        if (!result.Succeeded)
        {
            throw new LaunchException($"cannot inspect container {name}: {result.Error}", retryable: true);
        }

        try
        {
            return DockerInspect.Parse(result.Stdout).SingleOrDefault();
        }
        catch (DockerCliException ex)
        {
            throw new LaunchException(ex.Message, retryable: true, ex);
        }
    }

    private async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var result = await CallForLaunchAsync(["rm", "--force", name], null, cancellationToken);
        if (!result.Succeeded && !result.NotFound)
        {
            throw new LaunchException($"cannot remove the earlier container {name}: {result.Error}", retryable: true);
        }
    }

    private async Task<DockerCliResult> CallForLaunchAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.RunAsync(arguments, environment, TimeSpan.Zero, cancellationToken);
        }
        catch (DockerCliException ex)
        {
            throw new LaunchException(ex.Message, retryable: !ex.ProgramMissing, ex);
        }
    }

    private async Task<LaunchException> RunFailedAsync(string name, DockerCliResult result, CancellationToken cancellationToken)
    {
        var (failure, removeContainer) = DockerRunFailure.Classify(result, options.Value.Image);
        if (removeContainer)
        {
            await docker.RunAsync(["rm", "--force", name], null, TimeSpan.Zero, cancellationToken);
        }

        return failure;
    }

    private static string Shorten(string containerId)
    {
        var id = containerId.Trim();
        return id.Length > 12 ? id[..12] : id;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 460, EventName = "WorkerContainerStarted", Level = LogLevel.Information, Message = "Job {JobId}: container {Container} ({ContainerId}) started from {Image}")]
        public static partial void Started(ILogger logger, string jobId, string container, string containerId, string image);

        [LoggerMessage(EventId = 462, EventName = "WorkerContainerReplaced", Level = LogLevel.Information, Message = "Job {JobId}: removed its earlier container {Container} ({State}) to start a new one")]
        public static partial void Replaced(ILogger logger, string jobId, string container, string state);

        [LoggerMessage(EventId = 463, EventName = "WorkerContainerStopped", Level = LogLevel.Information, Message = "Container {Container} stopped (grace {GraceSeconds} s, exit code {ExitCode})")]
        public static partial void Stopped(ILogger logger, string container, int graceSeconds, int? exitCode);

        [LoggerMessage(EventId = 464, EventName = "WorkerContainerPruneFailed", Level = LogLevel.Warning, Message = "Removing old exited worker containers failed (tried again in an hour): {Error}")]
        public static partial void PruneFailed(ILogger logger, string error);
    }
}
