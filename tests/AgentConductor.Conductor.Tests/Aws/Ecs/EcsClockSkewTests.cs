using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Launching;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Aws.Ecs;

/// <summary>
/// A conductor whose clock is minutes off launches and watches workers anyway: the strict fake ECS refuses a request
/// signed more than 5 minutes from its own (real) clock, as AWS does, and the signed client corrects from its answer.
/// </summary>
public sealed class EcsClockSkewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(12, "Signature expired")]
    [InlineData(-9, "Signature not yet current")]
    public async Task Launch_LocalClockMinutesOff_IsRefusedOnceThenSignedWithAwsTimeFromThenOn(int minutesBehind, string refusal)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(minutesBehind));
        var offset = TimeSpan.FromMinutes(minutesBehind);
        await using var bed = await EcsTestbed.StartAsync(clientTime: clock, cancellationToken: Ct);

        var worker = await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);
        var status = await bed.Launcher.GetStatusAsync(worker.Reference, Ct);

        Assert.Equal(worker.Reference, Assert.Single(bed.Ecs.Tasks).Arn);
        Assert.Equal(WorkerStatus.Running, status);
        Assert.Contains(refusal, Assert.Single(bed.Ecs.ProtocolFailures), StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Problems);
        Assert.Equal(1, bed.AwsLog.Count("AwsClockSkewCorrected"));
        Assert.Equal(0, bed.AwsLog.Count("AwsRetrying"));
        // AWS's Date header has whole seconds, and the real clock moved on while the fake one stood still.
        Assert.InRange(bed.Aws.ClockOffset, offset - TimeSpan.FromSeconds(30), offset + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Launch_LocalClockMinutesOffAndAWrongSecret_CorrectsOnceThenIsAccessDenied()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(20));
        await using var bed = await EcsTestbed.StartAsync(
            credentials: new StaticAwsCredentials(TestSupport.Aws.FakeAwsJsonServer.AccessKey, "not-the-secret"), clientTime: clock, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<LaunchException>(() => bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct));

        Assert.False(error.Retryable);
        Assert.Equal(2, bed.Ecs.ProtocolFailures.Count);
        Assert.Contains("does not match", bed.Ecs.ProtocolFailures.Last(), StringComparison.Ordinal);
        Assert.Empty(bed.Ecs.Tasks);
    }

    [Fact]
    public async Task Launch_LocalClockRight_IsNotCorrected()
    {
        await using var bed = await EcsTestbed.StartAsync(cancellationToken: Ct);

        await bed.Launcher.LaunchAsync(EcsTestbed.Request(), Ct);

        bed.AssertAllRequestsValid();
        Assert.Equal(0, bed.AwsLog.Count("AwsClockSkewCorrected"));
        Assert.InRange(bed.Aws.ClockOffset, TimeSpan.Zero, TimeSpan.Zero);
    }
}
