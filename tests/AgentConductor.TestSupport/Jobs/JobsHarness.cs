using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Options;

namespace AgentConductor.TestSupport.Jobs;

/// <summary>
/// The jobs engine on a real SQLite file: jobs created through the real scheduler, a real dispatcher, reconciler and
/// canceller on a <see cref="TimerTrackingTimeProvider"/>, with a <see cref="FakeLauncher"/>, router and token issuer.
/// </summary>
internal sealed class JobsHarness : IDisposable
{
    private readonly TempDirectory _directory = new();
    private int _messages;

    public JobsHarness(
        DispatchOptions? dispatch = null, ReconcileOptions? reconcile = null, FollowUpSettings? followUps = null, PriceOptions? prices = null, BudgetOptions? budget = null)
    {
        Scheduler = new SchedulerHarness(followUps: followUps);
        DispatchOptions = dispatch ?? new DispatchOptions();
        ReconcileOptions = reconcile ?? new ReconcileOptions();
        Prices = prices ?? new PriceOptions();
        Budget = new TestOptionsMonitor<BudgetOptions>(budget ?? new BudgetOptions());
        Store = new JobStore(Scheduler.Database);
        Gate = new ShutdownGate(
            Options.Create(new ShutdownOptions { FlagPath = _directory.File("flag"), ReadyPath = _directory.File("ready") }),
            Scheduler.Database, Time, new ListLogger<ShutdownGate>());
        Dispatcher = NewDispatcher();
        Reconciler = NewReconciler();
        Canceller = new JobCanceller(Store, Time, new ListLogger<JobCanceller>());
    }

    public TimerTrackingTimeProvider Time { get; } = new(ConductorHost.T0);

    public SchedulerHarness Scheduler { get; }

    public FakeLauncher Launcher { get; } = new();

    public FakeJobRouter Router { get; } = new();

    public FakeJobTokenIssuer Tokens { get; } = new();

    public DispatchSignal Signal { get; } = new();

    public DispatchOptions DispatchOptions { get; }

    public ReconcileOptions ReconcileOptions { get; }

    public PriceOptions Prices { get; }

    /// <summary>The budget settings the dispatcher reads on every pass; <see cref="TestOptionsMonitor{T}.Set"/> is a settings reload.</summary>
    public TestOptionsMonitor<BudgetOptions> Budget { get; }

    public AgentOptions Agent { get; } = new();

    public JobStore Store { get; }

    public ShutdownGate Gate { get; }

    public Dispatcher Dispatcher { get; private set; }

    public string CallbackAddress { get; set; } = "http://127.0.0.1:5081";

    public Reconciler Reconciler { get; private set; }

    public JobCanceller Canceller { get; }

    public ListLogger<Dispatcher> DispatcherLog { get; } = new();

    public ListLogger<Reconciler> ReconcilerLog { get; } = new();

    /// <summary>A new ticket job (one second after the previous message); returns its id.</summary>
    public async Task<string> AddTicketAsync(string key)
    {
        var at = Next();
        var result = await Scheduler.SendAsync($"m{_messages}", Messages.TicketCreated(key, at), at);
        return result.Decisions.Single().JobId;
    }

    /// <summary>A new incident job for <paramref name="account"/> (alarms are a day apart, so each opens an incident).</summary>
    public async Task<string> AddIncidentAsync(string account)
    {
        var at = Next();
        var result = await Scheduler.SendAsync($"m{_messages}", Messages.Alarm(account, at.AddDays(_messages)), at);
        return result.Decisions.Single().JobId;
    }

    public JobRecord Job(string jobId) => Store.Find(jobId) ?? throw new InvalidOperationException($"No job {jobId}.");

    public JobState State(string jobId) => Job(jobId).State;

    public string? Reason(string jobId) => Scheduler.Scalar($"SELECT state_reason FROM jobs WHERE id = '{jobId}'") as string;

    public List<string> History(string jobId)
    {
        using var connection = Scheduler.Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT to_state FROM job_events WHERE job_id = '{jobId}' ORDER BY id";
        using var reader = command.ExecuteReader();
        var states = new List<string>();
        while (reader.Read())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }

    /// <summary>Moves a job as the worker protocol would (handshake, first heartbeat, result).</summary>
    public void Move(string jobId, JobState from, JobState to)
    {
        if (!Store.Move(jobId, from, to, "test", Time.GetUtcNow()))
        {
            throw new InvalidOperationException($"Job {jobId} was not {from}.");
        }
    }

    public void Heartbeat(string jobId) =>
        Store.Update(jobId, "last_seen_at = @at", [.. JobStates.Active], ("@at", UnixTime.ToMs(Time.GetUtcNow())));

    public void CloseGate()
    {
        File.WriteAllText(_directory.File("flag"), "true\n");
        Gate.Check();
    }

    /// <summary>A fresh dispatcher and reconciler over the same database and launcher, as after a conductor restart.</summary>
    public void Restart()
    {
        Dispatcher = NewDispatcher();
        Reconciler = NewReconciler();
    }

    public void Dispose()
    {
        Scheduler.Dispose();
        _directory.Dispose();
    }

    private Dispatcher NewDispatcher()
    {
        var budgets = new BudgetSettings(Budget, new ListLogger<BudgetSettings>());
        return new(
            Store, Router, Tokens, Launcher, Gate, Options.Create(DispatchOptions),
            new FixedCallbackAddress(DispatchOptions.ConductorUrl is { Length: > 0 } configured ? configured : CallbackAddress),
            new DailyBudgets(Scheduler.Database, budgets), new JobPricer(Options.Create(Prices), budgets, Options.Create(Agent)), ConductorHost.HalfJitter, Time, DispatcherLog);
    }

    private Reconciler NewReconciler() =>
        new(Store, Launcher, Signal, Options.Create(ReconcileOptions), Time, ReconcilerLog);

    private DateTimeOffset Next()
    {
        _messages++;
        Time.Advance(TimeSpan.FromSeconds(1));
        return Time.GetUtcNow();
    }

    private sealed class FixedCallbackAddress(string address) : IWorkerCallbackAddress
    {
        public string Resolve() => address;
    }
}
