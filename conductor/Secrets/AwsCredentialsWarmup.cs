using AgentConductor.Conductor.Aws;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Resolves the AWS credentials once at startup, in the background, so <see cref="MaskingAwsCredentials"/> registers them
/// before any worker's text is stored, even when nothing calls AWS until a job ends (the archive). Failing here is left
/// to the parts that need the credentials to report.
/// </summary>
internal sealed partial class AwsCredentialsWarmup(IAwsCredentials credentials, ILogger<AwsCredentialsWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await credentials.GetAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.NotResolved(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 485, EventName = "AwsCredentialsNotResolved", Level = LogLevel.Debug,
            Message = "AWS credentials could not be resolved at startup; they are registered as secrets when first used")]
        public static partial void NotResolved(ILogger logger, Exception exception);
    }
}
