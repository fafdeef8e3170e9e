using Amazon.Runtime;

namespace AgentConductor.Conductor.Aws;

/// <summary>The credentials to sign the next request with (they may rotate: ask for every request).</summary>
internal interface IAwsCredentials
{
    Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken);
}
