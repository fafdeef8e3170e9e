using AgentConductor.TestSupport.Aws;

namespace AgentConductor.Conductor.Tests.Aws.Sqs;

/// <summary>One local-aws-sqs emulator per test class (only classes that need it start one); each test makes its own queues.</summary>
public sealed class SqsEmulatorFixture : IAsyncLifetime
{
    private SqsEmulator? _emulator;

    public SqsEmulator Emulator => _emulator ?? throw new InvalidOperationException("The emulator has not started.");

    /// <summary>A queue name no other test uses (FIFO names end in <c>.fifo</c>).</summary>
    public static string UniqueName(string prefix, bool fifo = false) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(70, prefix.Length + 33)] + (fifo ? ".fifo" : "");

    public async ValueTask InitializeAsync() => _emulator = await SqsEmulator.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
