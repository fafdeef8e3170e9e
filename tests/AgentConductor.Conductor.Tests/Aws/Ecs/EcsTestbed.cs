using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>The ECS launcher on the real signed client against a fresh strict <see cref="FakeEcs"/>.</summary>
internal sealed class EcsTestbed : IAsyncDisposable
{
    public const string JobId = "01jcsbq9m4y7d2k8x5w3n6r1ta";
    public const string Token = "tok3n-0123456789abcdefghijklmnopqrstuvwxyzA";
    public const string ConductorUrl = "http://conductor.internal:5081";

    private readonly HttpClient _http = new();

    private EcsTestbed(FakeEcs ecs, EcsLauncherOptions options, IAwsCredentials? credentials, string? serviceUrl, TimeProvider? clientTime)
    {
        Ecs = ecs;
        Options = options;
        var endpoint = AwsEndpoint.Resolve(AwsService.Ecs, ecs.Region, serviceUrl ?? ecs.Url.ToString());
        Aws = new AwsJsonClient(
            _http, endpoint, credentials ?? new StaticAwsCredentials(FakeAwsJsonServer.AccessKey, FakeAwsJsonServer.SecretKey),
            new AwsRetryPolicy(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)), clientTime ?? TimeProvider.System, AwsLog);
        Client = new EcsClient(Aws);
        Launcher = new EcsLauncher(Client, Microsoft.Extensions.Options.Options.Create(options), Log);
    }

    public FakeEcs Ecs { get; }

    public EcsLauncherOptions Options { get; }

    /// <summary>The signed client underneath, for requests the launcher would never send.</summary>
    public AwsJsonClient Aws { get; }

    public EcsClient Client { get; }

    public EcsLauncher Launcher { get; }

    public ListLogger<EcsLauncher> Log { get; } = new();

    public ListLogger<AwsJsonClient> AwsLog { get; } = new();

    /// <param name="clientTime">The conductor's clock (the fake ECS keeps the real one).</param>
    public static async Task<EcsTestbed> StartAsync(
        Action<EcsLauncherOptions>? configure = null, IAwsCredentials? credentials = null, string? serviceUrl = null, TimeProvider? clientTime = null,
        CancellationToken cancellationToken = default)
    {
        var options = new EcsLauncherOptions
        {
            Cluster = "agent-conductor",
            TaskDefinition = FakeEcs.WorkerFamily,
            ContainerName = "worker",
            Subnets = ["subnet-0a1b2c3d"],
            SecurityGroups = ["sg-0123456789abcdef0"],
        };
        configure?.Invoke(options);
        return new EcsTestbed(await FakeEcs.StartAsync(cancellationToken: cancellationToken), options, credentials, serviceUrl, clientTime);
    }

    public static LaunchRequest Request(string jobId = JobId, int attempt = 0, string token = Token, string conductorUrl = ConductorUrl) =>
        new(jobId, attempt, token, conductorUrl, "https://github.example/acme/app.git", "main") { Kind = "ticket", Subject = "PAY-7" };

    /// <summary>Nothing the fake refused and no protocol failure: every request was valid.</summary>
    public void AssertAllRequestsValid()
    {
        Assert.Empty(Ecs.Problems);
        Assert.Empty(Ecs.ProtocolFailures);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Ecs.DisposeAsync();
    }
}
