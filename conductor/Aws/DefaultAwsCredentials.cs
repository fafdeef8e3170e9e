using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// The SDK's default credential chain: environment variables, the shared profile (<c>AWS_PROFILE</c>), web identity, SSO,
/// the ECS task role and the EC2 instance role. Once found, the source is kept (it refreshes itself before expiry);
/// a search that found nothing (say, the instance metadata endpoint did not answer at startup) is tried again next call.
/// </summary>
internal sealed class DefaultAwsCredentials : IAwsCredentials
{
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private AWSCredentials? _source;

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var source = _source ?? await ResolveAsync(cancellationToken);
            return await source.GetCredentialsAsync().WaitAsync(cancellationToken);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsCredentialsException(
                $"no AWS credentials found ({ex.Message}); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance or task role", ex);
        }
    }

    private async Task<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        await _resolving.WaitAsync(cancellationToken);
        try
        {
            return _source ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).WaitAsync(cancellationToken);
        }
        finally
        {
            _resolving.Release();
        }
    }
}

/// <summary>Fixed credentials, for local endpoints and tests.</summary>
internal sealed class StaticAwsCredentials(string accessKey, string secretKey, string? sessionToken = null) : IAwsCredentials
{
    private readonly ImmutableCredentials _credentials = new(accessKey, secretKey, sessionToken);

    public Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_credentials);
}
