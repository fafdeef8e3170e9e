using System.Threading.Channels;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// An <see cref="IProcessRunner"/> whose "process" prints what the test sends through <see cref="EmitAsync"/> and
/// runs until it is told to exit or its token is cancelled, so watchdog tests can run on a fake clock.
/// </summary>
internal sealed class ScriptedProcessRunner : IProcessRunner
{
    private readonly Channel<OutputLine?> _script = Channel.CreateUnbounded<OutputLine?>();
    private readonly SemaphoreSlim _handled = new(0);

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProcessSpec? Spec { get; private set; }

    /// <summary>Completes when the runner was asked to start the process.</summary>
    public Task Started => _started.Task;

    /// <summary>Prints a line and waits until the runner's handler has seen it.</summary>
    public async Task EmitAsync(string text)
    {
        await _script.Writer.WriteAsync(new OutputLine(OutputStream.StandardOutput, text));
        await _handled.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Exit() => _script.Writer.TryWrite(null);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Func<OutputLine, ValueTask>? onLine, CancellationToken cancellationToken)
    {
        Spec = spec;
        _started.TrySetResult();
        try
        {
            while (await _script.Reader.ReadAsync(cancellationToken) is { } line)
            {
                await onLine!(line);
                _handled.Release();
            }

            return new ProcessResult(0, false, false, false, TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ProcessResult(130, false, true, false, TimeSpan.Zero);
        }
    }
}
