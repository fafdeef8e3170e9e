using AgentConductor.Conductor.Aws;
using Amazon.Runtime;

namespace AgentConductor.Conductor.Archive;

/// <summary>Hands the conductor's one AWS credential source (<see cref="IAwsCredentials"/>, the default chain) to the S3 SDK.</summary>
internal sealed class SdkCredentials(IAwsCredentials source) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => source.GetAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => source.GetAsync(CancellationToken.None);
}
