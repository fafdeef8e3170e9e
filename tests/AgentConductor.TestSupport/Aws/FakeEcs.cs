using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// A strict in-process ECS on <see cref="FakeAwsJsonServer"/> (SigV4 checked independently): RunTask, DescribeTasks,
/// StopTask and ListTasks, with every request's JSON validated (fields, types, ECS's limits; unknown fields rejected) and
/// the rejections recorded in <see cref="Problems"/>. Tasks live in memory; RunTask honours client tokens (same token and
/// parameters: the first answer; other parameters: ConflictException with the earlier tasks) for 24 hours. With
/// <see cref="AutoAdvance"/> each DescribeTasks moves a described task one step (PROVISIONING, PENDING, RUNNING; a stopping
/// task to STOPPED); tests script the rest (<see cref="Exit"/>, <see cref="FailToStart"/>, <see cref="Forget"/>) and
/// inject capacity failures, throttling and errors.
/// </summary>
public sealed partial class FakeEcs : IAsyncDisposable
{
    public const string Account = "123456789012";
    public const string WorkerFamily = "agent-conductor-worker";

    private readonly Lock _lock = new();
    private readonly List<FakeEcsTask> _tasks = [];
    private readonly Dictionary<string, TokenUse> _tokens = new(StringComparer.Ordinal);
    // A null response lets that call through as usual (the calls before an injected error).
    private readonly List<(string Operation, FakeAwsResponse? Response)> _injected = [];
    private readonly Queue<(string Reason, string? Detail)> _capacityFailures = new();
    private FakeAwsJsonServer _server = null!;
    private int _serverErrorsAfterStart;

    private FakeEcs(string cluster, TimeProvider time)
    {
        Cluster = cluster;
        Time = time;
    }

    public Uri Url => _server.Url;

    public string Region => _server.Region;

    public string Cluster { get; }

    public string ClusterArn => $"arn:aws:ecs:{Region}:{Account}:cluster/{Cluster}";

    public TimeProvider Time { get; }

    /// <summary>Requests the fake refused as invalid (and protocol failures, in <see cref="FakeAwsJsonServer.Failures"/>).</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public IReadOnlyCollection<string> ProtocolFailures => _server.Failures;

    /// <summary>Family <c>agent-conductor-worker</c> revisions 1-3 with containers <c>worker</c> and <c>log-router</c>.</summary>
    public List<FakeEcsTaskDefinition> TaskDefinitions { get; } =
        [.. Enumerable.Range(1, 3).Select(r => new FakeEcsTaskDefinition(WorkerFamily, r, ["worker", "log-router"]))];

    public bool AutoAdvance { get; set; } = true;

    /// <summary>ListTasks returns at most this many ARNs per page (ECS may return fewer than <c>maxResults</c>).</summary>
    public int ListPageSize { get; set; } = 100;

    /// <summary>The worker's exit code when StopTask stops a running task (SIGTERM).</summary>
    public int StopExitCode { get; set; } = 143;

    public TimeSpan StoppedRetention { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public static async Task<FakeEcs> StartAsync(string cluster = "agent-conductor", TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var ecs = new FakeEcs(cluster, time ?? TimeProvider.System);
        ecs._server = await FakeAwsJsonServer.StartAsync(
            "ecs", "AmazonEC2ContainerServiceV20141113", "1.1", ecs.Handle, time: ecs.Time, cancellationToken: cancellationToken);
        return ecs;
    }

    public IReadOnlyList<FakeEcsTask> Tasks
    {
        get
        {
            lock (_lock)
            {
                return [.. _tasks];
            }
        }
    }

    /// <summary>The latest task started for <paramref name="jobId"/> (its <c>JOB_ID</c>), or null.</summary>
    public FakeEcsTask? TaskOf(string jobId) => Tasks.LastOrDefault(t => t.JobId == jobId);

    /// <summary>The valid requests for one operation, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Requests(string operation) =>
        [.. _server.Requests.Where(r => r.Operation == operation).Select(r => r.Body)];

    /// <summary>The next RunTask that would start a task answers with this failure instead (capacity, placement).</summary>
    public void FailNextRunTask(string reason, string? detail = null) => Locked(() => _capacityFailures.Enqueue((reason, detail)));

    /// <summary>After <paramref name="after"/> calls answered as usual, the next <paramref name="times"/> calls are throttled.</summary>
    public void ThrottleNext(string operation, int times = 1, int after = 0)
    {
        Inject(operation, after, null);
        Inject(operation, times, FakeAwsResponse.Error("ThrottlingException", "Rate exceeded"));
    }

    /// <summary>The next <paramref name="operation"/> is answered with this error (ClientException, AccessDeniedException ...).</summary>
    public void RejectNext(string operation, string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Inject(operation, 1, FakeAwsResponse.Error(code, message, status));

    /// <summary>The next RunTask starts its task, then answers HTTP 500 (the client cannot know the task started).</summary>
    public void FailAfterStartingNextTask() => Locked(() => _serverErrorsAfterStart++);

    public void Start(FakeEcsTask task) => Locked(() => task.LastStatus = "RUNNING");

    /// <summary>The worker container exits by itself with <paramref name="exitCode"/>; the task stops.</summary>
    public void Exit(FakeEcsTask task, int exitCode) => Locked(() =>
        Stopped(task, "EssentialContainerExited", "Essential container in task exited", exitCode, containerReason: null));

    /// <summary>The task stops before its container ran (image pull, secrets, ENI): no exit code.</summary>
    public void FailToStart(FakeEcsTask task, string containerReason) => Locked(() =>
        Stopped(task, "TaskFailedToStart", "Task failed to start", exitCode: null, containerReason));

    /// <summary>ECS no longer knows the task (stopped more than about an hour ago): MISSING from now on.</summary>
    public void Forget(FakeEcsTask task) => Locked(() => task.Forgotten = true);

    /// <summary>A task the conductor did not start in this test (an earlier conductor's), running for <paramref name="jobId"/>.</summary>
    public FakeEcsTask Add(string jobId, string startedBy = "agent-conductor", string lastStatus = "RUNNING")
    {
        var overrides = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["containerOverrides"] = new[] { new Dictionary<string, object> { ["name"] = "worker", ["environment"] = new[] { new Dictionary<string, string> { ["name"] = "JOB_ID", ["value"] = jobId } } } },
        });
        lock (_lock)
        {
            var task = NewTask(TaskDefinitions[^1], "worker");
            task.LastStatus = lastStatus;
            task.StartedBy = startedBy;
            task.LaunchType = "FARGATE";
            task.Environment = new Dictionary<string, string> { ["JOB_ID"] = jobId };
            task.Overrides = overrides;
            task.Tags["agent-conductor:job-id"] = jobId;
            _tasks.Add(task);
            return task;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    internal void CheckCluster(string? cluster)
    {
        if ((cluster ?? "default") != Cluster && cluster != ClusterArn)
        {
            throw new FakeEcsError("ClusterNotFoundException", "Cluster not found.");
        }
    }

    internal FakeEcsTaskDefinition FindTaskDefinition(string reference)
    {
        var name = reference.StartsWith("arn:", StringComparison.Ordinal)
            ? reference.StartsWith($"arn:aws:ecs:{Region}:{Account}:task-definition/", StringComparison.Ordinal) ? reference[(reference.IndexOf('/') + 1)..] : ""
            : reference;
        var parts = name.Split(':');
        var found = parts.Length switch
        {
            1 => TaskDefinitions.Where(d => d.Family == parts[0]).MaxBy(d => d.Revision),
            2 => TaskDefinitions.FirstOrDefault(d => d.Family == parts[0] && d.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) == parts[1]),
            _ => null,
        };
        return found ?? throw new FakeEcsError("ClientException", $"Unable to describe task definition '{reference}'.");
    }

    private FakeEcsTask NewTask(FakeEcsTaskDefinition definition, string container) =>
        new($"arn:aws:ecs:{Region}:{Account}:task/{Cluster}/{Guid.NewGuid():N}",
            $"arn:aws:ecs:{Region}:{Account}:task-definition/{definition.Family}:{definition.Revision}", container, Time.GetUtcNow())
        {
            Cpu = definition.Cpu,
            Memory = definition.Memory,
        };

    private void Stopped(FakeEcsTask task, string stopCode, string reason, int? exitCode, string? containerReason)
    {
        task.LastStatus = "STOPPED";
        task.DesiredStatus = "STOPPED";
        task.StopCode ??= stopCode;
        task.StoppedReason ??= reason;
        task.ExitCode = exitCode;
        task.ContainerReason = containerReason;
        task.StoppedAt = Time.GetUtcNow();
    }

    private void Inject(string operation, int times, FakeAwsResponse? response) => Locked(() =>
    {
        for (var i = 0; i < times; i++)
        {
            _injected.Add((operation, response));
        }
    });

    private void Locked(Action action)
    {
        lock (_lock)
        {
            action();
        }
    }

    private sealed record TokenUse(string Fingerprint, IReadOnlyList<FakeEcsTask> Tasks, DateTimeOffset At);
}
