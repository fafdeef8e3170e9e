using System.Net;
using AgentConductor.Common;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.TestSupport;

/// <summary>
/// The conductor service in-process, built as <c>run</c> builds it, on free 127.0.0.1 ports with a temp database,
/// work folder and shutdown files; logs are captured. Time can be faked; everything else is the production wiring.
/// Stops and deletes everything on dispose.
/// </summary>
internal sealed class ConductorHost : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    /// <summary>The backoff every test host uses: half of each ceiling, so scheduled retries land at known times.</summary>
    public static readonly Backoff HalfJitter = new(() => 0.5);

    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private ConductorHost(WebApplication app, TempDirectory directory, LogCapture logs)
    {
        _app = app;
        _directory = directory;
        Logs = logs;
        var listener = app.Services.GetRequiredService<WorkerListener>();
        var tls = !string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<WorkerApiOptions>>().Value.CertificatePath);
        WorkerAddress = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{listener.Port}");
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        ApiAddress = new Uri(addresses.Select(a => new Uri(a)).First(a => a.Port != listener.Port).ToString());
        Channel = GrpcChannel.ForAddress(WorkerAddress);
        Worker = new AgentConductor.Proto.V1.WorkerService.WorkerServiceClient(Channel);
        Http = CreateHttp1Client();
    }

    public Uri WorkerAddress { get; }

    public Uri ApiAddress { get; }

    public LogCapture Logs { get; }

    /// <summary>The launcher the jobs engine uses here (unless started with the real one): a strict fake that records launches and stops.</summary>
    public FakeLauncher Launcher { get; private init; } = null!;

    public GrpcChannel Channel { get; }

    /// <summary>A worker's client of the conductor's WorkerService (no token: pass <see cref="Bearer"/>).</summary>
    public AgentConductor.Proto.V1.WorkerService.WorkerServiceClient Worker { get; }

    /// <summary>A client for the HTTP API (<see cref="ApiAddress"/>).</summary>
    public HttpClient Http { get; }

    public TempDirectory Directory => _directory;

    public string FlagPath => _directory.File("IS_CONDUCTOR_SHUTTING_DOWN");

    public string WorkFolder => _directory.File("jobs");

    public IServiceProvider Services => _app.Services;

    public ConductorDatabase Database => Services.GetRequiredService<ConductorDatabase>();

    /// <summary>
    /// Starts a conductor; <paramref name="settings"/> (<c>--Section:Key=value</c>) come after the test defaults. The jobs
    /// engine's background services (dispatcher, reconciler) run only with <paramref name="jobsEngine"/>; launches
    /// go to <see cref="Launcher"/> unless <paramref name="realLauncher"/>. <paramref name="services"/> changes the
    /// registrations last (say, fixed AWS credentials for a fake endpoint).
    /// </summary>
    public static async Task<ConductorHost> StartAsync(
        IEnumerable<string>? settings = null, TimeProvider? timeProvider = null, bool defaultRoute = true, bool jobsEngine = false, bool realLauncher = false,
        Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        var directory = new TempDirectory();
        var logs = new LogCapture();
        string[] arguments =
        [
            "--Urls=http://127.0.0.1:0",
            "--WorkerApi:Urls=http://127.0.0.1:0",
            $"--Storage:DatabasePath={directory.File("conductor.db")}",
            $"--TaskFiles:WorkFolder={directory.File("jobs")}",
            $"--Shutdown:FlagPath={directory.File("IS_CONDUCTOR_SHUTTING_DOWN")}",
            $"--Shutdown:ReadyPath={directory.File("CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")}",
            "--Shutdown:PollInterval=00:00:00.050",
            "--Dispatch:PollInterval=00:00:00.100",
            "--Reconcile:PollInterval=00:00:00.100",
            "--Logging:LogLevel:Default=Trace",
            .. defaultRoute ? (string[])["--Routing:Default:CloneUrl=https://github.example/acme/app.git", "--Routing:Default:BaseBranch=main"] : [],
            .. settings ?? [],
        ];
        var launcher = new FakeLauncher();
        var app = ConductorApplication.Build(arguments, builder =>
        {
            if (!realLauncher)
            {
                builder.Services.RemoveAll<ILauncher>();
                builder.Services.AddSingleton<ILauncher>(launcher);
            }
            if (!jobsEngine)
            {
                // Tests that drive job states by hand must not race the dispatcher's and reconciler's background passes.
                foreach (var service in builder.Services.Where(d => d.ImplementationType == typeof(DispatcherService) || d.ImplementationType == typeof(ReconcilerService)).ToList())
                {
                    builder.Services.Remove(service);
                }
            }
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            if (timeProvider is not null)
            {
                builder.Services.AddSingleton(timeProvider);
            }

            builder.Services.AddSingleton(HalfJitter);

            services?.Invoke(builder.Services);
        });
        await app.StartAsync(cancellationToken);
        return new ConductorHost(app, directory, logs) { Launcher = launcher };
    }

    /// <summary>Schedules a ticket (as a Jira webhook), moves its job to <c>launched</c> and issues a token.</summary>
    public async Task<(string JobId, string Token)> LaunchTicketAsync(string key, string? summary = null, string? description = null, CancellationToken cancellationToken = default)
    {
        var body = Messages.TicketCreated(key, T0);
        var result = await Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-" + key, body, T0)], cancellationToken);
        var jobId = SingleDecision(result).JobId;
        Execute("UPDATE tickets SET summary = coalesce(@s, summary), description = coalesce(@d, description) WHERE key = @k", ("@s", summary), ("@d", description), ("@k", key));
        return (jobId, Launch(jobId));
    }

    /// <summary>Sends an ALARM for <paramref name="account"/>, moves the incident's job to <c>launched</c> and issues a token.</summary>
    public async Task<(string JobId, string Token)> LaunchIncidentAsync(string account, string alarmName, CancellationToken cancellationToken = default)
    {
        var body = Messages.Alarm(account, T0, name: alarmName);
        var result = await Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-" + account + alarmName, body, T0)], cancellationToken);
        var jobId = SingleDecision(result).JobId;
        return (jobId, Launch(jobId));
    }

    public string Launch(string jobId)
    {
        Write(writer =>
        {
            if (!writer.TryMove(jobId, JobState.Pending, JobState.Launching, "test", T0) || !writer.TryMove(jobId, JobState.Launching, JobState.Launched, "test", T0))
            {
                throw new InvalidOperationException($"Job {jobId} was not pending.");
            }
        });
        return Services.GetRequiredService<JobTokens>().Issue(jobId);
    }

    public void Write(Action<JobWriter> action)
    {
        using var connection = Database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var statements = new Statements(connection) { Transaction = transaction };
        action(new JobWriter(statements));
        transaction.Commit();
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.OpenConnection();
        using var statements = new Statements(connection);
        return statements.Execute(sql, parameters);
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Database.Scalar(sql, parameters);

    public List<string> Strings(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        }

        return values;
    }

    public string State(string jobId) => (string)Scalar("SELECT state FROM jobs WHERE id = @id", ("@id", jobId))!;

    public long Count(string table, string jobId) => (long)Scalar($"SELECT count(*) FROM {table} WHERE job_id = @id", ("@id", jobId))!;

    private static Decision SingleDecision(ScheduleResult result) =>
        result.Decisions.Count == 1 ? result.Decisions[0] : throw new InvalidOperationException($"Expected one decision, got {result.Decisions.Count}.");

    public static CallOptions Bearer(string token, DateTime? deadline = null)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        return new CallOptions(headers, deadline);
    }

    public HttpClient CreateHttp1Client() => new() { BaseAddress = ApiAddress, DefaultRequestVersion = HttpVersion.Version11 };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}
