using System.Net;
using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.Proto.Grpc;
using AgentConductor.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>
/// The conductor service in-process, built as <c>run</c> builds it, on free 127.0.0.1 ports with a temp database and
/// work folder; logs are captured. Stops and deletes everything on dispose.
/// </summary>
internal sealed class ConductorHost : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

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
    }

    public Uri WorkerAddress { get; }

    public Uri ApiAddress { get; }

    public LogCapture Logs { get; }

    public GrpcChannel Channel { get; }

    public string WorkFolder => _directory.File("jobs");

    public IServiceProvider Services => _app.Services;

    public ConductorDatabase Database => Services.GetRequiredService<ConductorDatabase>();

    /// <summary>Starts a conductor; <paramref name="settings"/> (<c>--Section:Key=value</c>) come after the test defaults.</summary>
    public static async Task<ConductorHost> StartAsync(
        IEnumerable<string>? settings = null, TimeProvider? timeProvider = null, bool defaultRoute = true, CancellationToken cancellationToken = default)
    {
        var directory = new TempDirectory();
        var logs = new LogCapture();
        string[] arguments =
        [
            "--Urls=http://127.0.0.1:0",
            "--WorkerApi:Urls=http://127.0.0.1:0",
            $"--Storage:DatabasePath={directory.File("conductor.db")}",
            $"--TaskFiles:WorkFolder={directory.File("jobs")}",
            "--Logging:LogLevel:Default=Trace",
            .. defaultRoute ? (string[])["--Routing:Default:CloneUrl=https://github.example/acme/app.git", "--Routing:Default:BaseBranch=main"] : [],
            .. settings ?? [],
        ];
        var app = ConductorApplication.Build(arguments, builder =>
        {
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            if (timeProvider is not null)
            {
                builder.Services.AddSingleton(timeProvider);
            }
        });
        await app.StartAsync(cancellationToken);
        return new ConductorHost(app, directory, logs);
    }

    /// <summary>Schedules a ticket (as a Jira webhook), moves its job to <c>launched</c> and issues a token.</summary>
    public async Task<(string JobId, string Token)> LaunchTicketAsync(string key, string? summary = null, string? description = null, CancellationToken cancellationToken = default)
    {
        var body = Messages.TicketCreated(key, T0);
        var result = await Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-" + key, body, T0)], cancellationToken);
        var jobId = Assert.Single(result.Decisions).JobId;
        Execute("UPDATE tickets SET summary = coalesce(@s, summary), description = coalesce(@d, description) WHERE key = @k", ("@s", summary), ("@d", description), ("@k", key));
        return (jobId, Launch(jobId));
    }

    /// <summary>Sends an ALARM for <paramref name="account"/>, moves the incident's job to <c>launched</c> and issues a token.</summary>
    public async Task<(string JobId, string Token)> LaunchIncidentAsync(string account, string alarmName, CancellationToken cancellationToken = default)
    {
        var body = Messages.Alarm(account, T0, name: alarmName);
        var result = await Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-" + account + alarmName, body, T0)], cancellationToken);
        var jobId = Assert.Single(result.Decisions).JobId;
        return (jobId, Launch(jobId));
    }

    public string Launch(string jobId)
    {
        Write(writer =>
        {
            Assert.True(writer.TryMove(jobId, JobState.Pending, JobState.Launching, "test", T0));
            Assert.True(writer.TryMove(jobId, JobState.Launching, JobState.Launched, "test", T0));
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

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }

    public string State(string jobId) => (string)Scalar("SELECT state FROM jobs WHERE id = @id", ("@id", jobId))!;

    public long Count(string table, string jobId) => (long)Scalar($"SELECT count(*) FROM {table} WHERE job_id = @id", ("@id", jobId))!;

    public static CallOptions Bearer(string token, DateTime? deadline = null)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        return new CallOptions(headers, deadline);
    }

    public HttpClient CreateHttp1Client() => new() { BaseAddress = ApiAddress, DefaultRequestVersion = HttpVersion.Version11 };

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}
