using AgentConductor.Conductor.Aws;
using Amazon.Runtime;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// The conductor's AWS credential source, registering what it resolves (the secret key and session token, however they
/// were found: environment, profile, task or instance role) with <see cref="SecretRegistry"/> before any client signs
/// with them. Rotated credentials are registered as they arrive.
/// </summary>
internal sealed class MaskingAwsCredentials(IAwsCredentials inner, SecretRegistry secrets) : IAwsCredentials
{
    private ImmutableCredentials? _last;

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = await inner.GetAsync(cancellationToken);
        if (!ReferenceEquals(credentials, Volatile.Read(ref _last)))
        {
            secrets.Register(credentials.SecretKey);
            secrets.Register(credentials.Token);
            Volatile.Write(ref _last, credentials);
        }

        return credentials;
    }
}
