using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Tests.Launching;

/// <summary>Asking one by one, as the local and Docker launchers answer the batch call.</summary>
public sealed class WorkerStatusesTests
{
    [Fact]
    public async Task OneByOne_OneWorkerCannotBeAskedAbout_OnlyItIsLeftOutWithItsError()
    {
        var asked = new List<string>();
        var broken = new InvalidOperationException("cannot read the state of container w2: engine not answering");
        Task<WorkerStatus> GetStatus(string reference, CancellationToken cancellationToken)
        {
            asked.Add(reference);
            return reference switch
            {
                "w1" => Task.FromResult(WorkerStatus.Running),
                "w2" => Task.FromException<WorkerStatus>(broken),
                _ => Task.FromResult(WorkerStatus.Exited(3)),
            };
        }

        var statuses = await WorkerStatuses.OneByOneAsync(["w1", "w2", "w3", "w1"], GetStatus, TestContext.Current.CancellationToken);

        Assert.Equal(["w1", "w2", "w3"], asked);
        Assert.True(statuses.TryGet("w1", out var first) && first == WorkerStatus.Running);
        Assert.True(statuses.TryGet("w3", out var third) && third == WorkerStatus.Exited(3));
        Assert.False(statuses.TryGet("w2", out _));
        var failure = Assert.Single(statuses.Failures);
        Assert.Equal(["w2"], failure.References);
        Assert.Same(broken, failure.Error);
    }

    [Fact]
    public async Task OneByOne_CallerCancels_Throws()
    {
        using var cancel = new CancellationTokenSource();
        Task<WorkerStatus> GetStatus(string reference, CancellationToken cancellationToken)
        {
            cancel.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(WorkerStatus.Running);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WorkerStatuses.OneByOneAsync(["w1", "w2"], GetStatus, cancel.Token));
    }
}
