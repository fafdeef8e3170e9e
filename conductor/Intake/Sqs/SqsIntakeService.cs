using AgentConductor.Common;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Shutdown;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>
/// Runs <c>Sqs:Pollers</c> poll loops over <see cref="SqsPoller"/>. While the shutdown gate is closed nothing is
/// received (messages pool in the queue). Errors never stop the conductor: the loop backs off (doubling from one
/// second to <c>Sqs:MaxErrorBackoff</c>, with jitter; at once to the longest wait when SQS refuses the credentials or
/// the queue does not exist) and logs each distinct problem once, and the state shows on <c>/v1/status</c>.
/// </summary>
/// <remarks>
/// The poller and the SQS client are resolved when the service runs, after the settings were validated: building the AWS
/// client reads the AWS settings, and doing that while the host collects its services would report only that problem.
/// </remarks>
internal sealed partial class SqsIntakeService(
    IServiceProvider services,
    SqsIntakeStatus status,
    IOptions<SqsIntakeOptions> options,
    IOptions<ShutdownOptions> shutdown,
    Backoff backoff,
    TimeProvider time,
    ILogger<SqsIntakeService> logger) : BackgroundService
{
    /// <summary>With short polling (<c>WaitTimeSeconds</c> 0), an empty queue is asked again after this.</summary>
    private static readonly TimeSpan EmptyShortPollPause = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poller = services.GetRequiredService<SqsPoller>();
        Log.Started(logger, settings.QueueUrl!, settings.Pollers, settings.WaitTimeSeconds, settings.MaxMessages, settings.DeleteRejected);
        if (!settings.DeleteRejected)
        {
            await WarnWithoutRedrivePolicyAsync(services.GetRequiredService<ISqsClient>(), settings.QueueUrl!, stoppingToken);
        }

        await Task.WhenAll(Enumerable.Range(1, settings.Pollers).Select(n => PollLoopAsync(poller, n, stoppingToken)));
    }

    private async Task PollLoopAsync(SqsPoller poller, int pollerNumber, CancellationToken stoppingToken)
    {
        var failures = 0;
        string? lastProblem = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var result = await poller.RunOnceAsync(stoppingToken);
                if (failures > 0)
                {
                    Log.Recovered(logger, pollerNumber, failures);
                }

                failures = 0;
                lastProblem = null;
                wait = result.Paused ? shutdown.Value.PollInterval
                    : result.Received == 0 && options.Value.WaitTimeSeconds == 0 ? EmptyShortPollPause
                    : TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var problem = SqsIntakeProblem.Describe(ex, options.Value.QueueUrl!);
                status.Failing(problem.Text, problem.IsConfiguration);
                wait = problem.IsConfiguration ? options.Value.MaxErrorBackoff : backoff.Delay(failures, TimeSpan.FromSeconds(1), options.Value.MaxErrorBackoff);
                if (problem.Text != lastProblem)
                {
                    Log.PollFailed(logger, pollerNumber, problem.Text, wait, ex);
                    lastProblem = problem.Text;
                }
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Rejected messages left in a queue without a redrive policy come back until the queue's retention ends.</summary>
    private async Task WarnWithoutRedrivePolicyAsync(ISqsClient sqs, string queueUrl, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await sqs.GetQueueAttributesAsync(queueUrl, ["RedrivePolicy"], cancellationToken);
            if (!attributes.TryGetValue("RedrivePolicy", out var policy) || string.IsNullOrWhiteSpace(policy))
            {
                Log.NoRedrivePolicy(logger, queueUrl);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RedrivePolicyUnknown(logger, queueUrl, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 610, EventName = "SqsIntakeStarted", Level = LogLevel.Information, Message = "SQS intake from {QueueUrl}: {Pollers} pollers, long poll {WaitSeconds} s, up to {MaxMessages} messages a receive, delete rejected: {DeleteRejected}")]
        public static partial void Started(ILogger logger, string queueUrl, int pollers, int waitSeconds, int maxMessages, bool deleteRejected);

        [LoggerMessage(EventId = 611, EventName = "SqsPollFailed", Level = LogLevel.Error, Message = "SQS poller {Poller}: {Problem}; polling again in {Wait} (logged once until it changes or recovers)")]
        public static partial void PollFailed(ILogger logger, int poller, string problem, TimeSpan wait, Exception exception);

        [LoggerMessage(EventId = 612, EventName = "SqsPollRecovered", Level = LogLevel.Information, Message = "SQS poller {Poller} receives again after {Failures} failed polls")]
        public static partial void Recovered(ILogger logger, int poller, int failures);

        [LoggerMessage(EventId = 613, EventName = "SqsNoRedrivePolicy", Level = LogLevel.Warning, Message = "Sqs:DeleteRejected is false but {QueueUrl} has no redrive policy: rejected messages will come back until the queue's retention period ends. Give the queue a dead-letter queue (RedrivePolicy with maxReceiveCount).")]
        public static partial void NoRedrivePolicy(ILogger logger, string queueUrl);

        [LoggerMessage(EventId = 614, EventName = "SqsRedrivePolicyUnknown", Level = LogLevel.Information, Message = "Could not read the redrive policy of {QueueUrl} ({Reason})")]
        public static partial void RedrivePolicyUnknown(ILogger logger, string queueUrl, string reason);
    }
}
