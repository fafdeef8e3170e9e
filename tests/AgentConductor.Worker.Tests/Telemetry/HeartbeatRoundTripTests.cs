using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Telemetry;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Telemetry;

/// <summary>The heartbeat loop measures each answered heartbeat's round trip.</summary>
[Collection(WorkerTelemetryCollection.Name)]
public sealed class HeartbeatRoundTripTests
{
    [Fact]
    public async Task HeartbeatLoop_AnsweredAndFailedHeartbeats_OnlyAnsweredOnesMeasured()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var conductor = await FakeWorkerService.StartAsync(cancellationToken: ct);
        conductor.Fail("Heartbeat", Grpc.Core.StatusCode.Unavailable);
        using var client = ConductorClients.Create(conductor.Address, TimeProvider.System);
        var measured = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkerTelemetry.MeterName && instrument.Name == "agent_conductor.worker.heartbeat.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => measured.Enqueue(value));
        listener.Start();

        await using (var heartbeat = new HeartbeatLoop(client, TimeProvider.System, new ListLogger<HeartbeatLoop>()))
        {
            heartbeat.Start(TimeSpan.FromHours(1));
            await Eventually.ValueAsync(() => conductor.Calls("Heartbeat") >= 1 ? "" : null, ct);
            heartbeat.Phase = WorkerPhase.RunningAgent; // a change is reported at once: the second heartbeat
            await Eventually.ValueAsync(() => !measured.IsEmpty ? "" : null, ct);
        }

        Assert.Equal(2, conductor.Calls("Heartbeat"));
        Assert.True(Assert.Single(measured) > 0);
    }
}
