using AgentConductor.Conductor.Jobs;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class HandshakeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handshake_LaunchedTicketJob_ReturnsSpecAndConnects()
    {
        await using var host = await ConductorHost.StartAsync(
            ["--Agent:Model=gpt-5-codex", "--Agent:ModelBaseUrl=http://127.0.0.1:8080/v1", "--Agent:ExtraConfig:reasoning=high", "--WorkerApi:HeartbeatInterval=00:00:15"],
            cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-412", "Refund fails for EUR accounts!", cancellationToken: Ct);

        var response = await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId, WorkerVersion = "1.2.3" }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        var spec = response.Job;
        Assert.Equal(jobId, spec.JobId);
        Assert.Equal(JobKind.Ticket, spec.Kind);
        Assert.Equal("Refund fails for EUR accounts!", spec.Title);
        Assert.Equal("PAY-412", spec.TicketKey);
        Assert.Equal($"agent/{jobId}/refund-fails-for-eur-accounts", spec.BranchName);
        var repository = Assert.Single(spec.Repositories);
        Assert.Equal(("https://github.example/acme/app.git", "main"), (repository.CloneUrl, repository.BaseBranch));
        Assert.Equal("gpt-5-codex", spec.Agent.Model);
        Assert.Equal("http://127.0.0.1:8080/v1", spec.Agent.ModelBaseUrl);
        Assert.Equal("high", spec.Agent.ExtraConfig["reasoning"]);
        Assert.Equal(TimeSpan.FromMinutes(10), spec.Agent.IdleTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(60), spec.Agent.OverallTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(15), spec.HeartbeatInterval.ToTimeSpan());
        Assert.Equal(["AGENTS.md", "TASK.md", "job.json"], spec.TaskFiles.Select(f => f.Path));
        Assert.All(spec.TaskFiles, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.All(spec.TaskFiles, f => Assert.Equal(420u, f.Mode));
        Assert.Equal("connected", host.State(jobId));
        Assert.Equal("1.2.3", host.Scalar("SELECT worker_version FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(spec.BranchName, host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal("worker 1.2.3 connected (attempt 1)", host.Scalar("SELECT reason FROM job_events WHERE job_id = @id AND to_state = 'connected'", ("@id", jobId)));
        using var view = System.Text.Json.JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct));
        Assert.Equal(1, view.RootElement.GetProperty("job").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Handshake_Retried_ReturnsSameSpecWithoutTransition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        var request = new HandshakeRequest { JobId = jobId };
        var first = await host.Worker.HandshakeAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;
        var events = host.Count("job_events", jobId);
        host.Execute("UPDATE tickets SET summary = 'Renamed meanwhile' WHERE key = 'PAY-1'");

        var second = await host.Worker.HandshakeAsync(request, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(first.Job.BranchName, second.Job.BranchName);
        Assert.Equal(first.Job.TaskFiles, second.Job.TaskFiles);
        Assert.Equal(events, host.Count("job_events", jobId));
        Assert.Equal("connected", host.State(jobId));
    }

    [Fact]
    public async Task Handshake_ConcurrentRetries_OneTransitionAndOneSpec()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-5", cancellationToken: Ct);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync));

        Assert.Single(responses.Select(r => r.Job).Distinct());
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM job_events WHERE job_id = @id AND to_state = 'connected'", ("@id", jobId)));
        Assert.Single(Directory.GetDirectories(Path.Combine(host.WorkFolder, jobId)));
    }

    [Fact]
    public async Task Handshake_IncidentJob_RoutedByAccountAndTitledByFirstAlarm()
    {
        await using var host = await ConductorHost.StartAsync(
            ["--Routing:Routes:0:Accounts:0=111122223333", "--Routing:Routes:0:CloneUrl=https://github.example/acme/orders.git", "--Routing:Routes:0:BaseBranch=develop"], cancellationToken: Ct);
        var (jobId, token) = await host.LaunchIncidentAsync("111122223333", "orders-api-5xx", cancellationToken: Ct);

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync).Job;

        var incidentId = host.Scalar("SELECT incident_id FROM jobs WHERE id = @id", ("@id", jobId))!.ToString();
        Assert.Equal(JobKind.Incident, spec.Kind);
        Assert.Equal($"Incident {incidentId} in account 111122223333: orders-api-5xx", spec.Title);
        Assert.Equal(("111122223333", incidentId), (spec.Account, spec.IncidentId));
        Assert.Equal(("https://github.example/acme/orders.git", "develop"), (spec.Repositories[0].CloneUrl, spec.Repositories[0].BaseBranch));
        Assert.StartsWith($"agent/{jobId}/incident-", spec.BranchName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_NoRoute_FailsFailedPreconditionAndStaysLaunched()
    {
        await using var host = await ConductorHost.StartAsync(
            ["--Routing:Routes:0:Projects:0=OPS", "--Routing:Routes:0:CloneUrl=https://github.example/acme/ops.git"], defaultRoute: false, cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-2", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("No route for ticket job", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("project PAY", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("launched", host.State(jobId));
    }

    [Fact]
    public async Task Handshake_TerminalJob_FailsFailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-3", cancellationToken: Ct);
        host.Write(w => Assert.True(w.TryMove(jobId, JobState.Launched, JobState.Lost, "test", ConductorHost.T0)));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("lost", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_OperatorTemplatesWithSymlink_FailedPreconditionNamingThePath()
    {
        using var templates = new TempDirectory();
        TemplateFolders.WriteDefaults(templates.Path);
        File.CreateSymbolicLink(Path.Combine(templates.Path, "ticket", "data", "db.md"), "/etc/hostname");
        await using var host = await ConductorHost.StartAsync([$"--TaskFiles:TemplateFolder={templates.Path}"], cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-4", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("'data/db.md'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("launched", host.State(jobId));
        Assert.Contains(host.Logs.Entries, e => e.EventName == "TaskFilesRefused");
    }

    [Fact]
    public async Task WorkerService_OnTheApiPort_IsNotServed()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        using var http = host.CreateHttp1Client();

        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new("application/grpc");
        using var response = await http.PostAsync("/agentconductor.v1.WorkerService/Handshake", content, Ct);

        // Without the listener check the gRPC layer would answer 426 (gRPC needs HTTP/2).
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
