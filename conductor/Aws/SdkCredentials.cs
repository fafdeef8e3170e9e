using Amazon.Runtime;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Hands the conductor's one AWS credential source (<see cref="IAwsCredentials"/>, the default chain) to AWS SDK clients
/// (SQS, S3), so every client signs with the same, refreshed credentials and tests replace them in one place.
/// </summary>
internal sealed class SdkCredentials(IAwsCredentials source) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => source.GetAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => source.GetAsync(CancellationToken.None);
}
