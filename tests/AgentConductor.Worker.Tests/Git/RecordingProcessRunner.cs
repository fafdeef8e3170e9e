using System.Collections.Concurrent;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>Passes every run to a real runner and keeps the spec it was given, so tests can inspect arguments and environment.</summary>
internal sealed class RecordingProcessRunner(IProcessRunner inner) : IProcessRunner
{
    public ConcurrentQueue<ProcessSpec> Specs { get; } = new();

    public Task<ProcessResult> RunAsync(ProcessSpec spec, Func<OutputLine, ValueTask>? onLine, CancellationToken cancellationToken)
    {
        Specs.Enqueue(spec);
        return inner.RunAsync(spec, onLine, cancellationToken);
    }
}
