using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// The SDK's default credential chain: environment variables, the shared profile (<c>AWS_PROFILE</c>), web identity, SSO,
/// the ECS task role and the EC2 instance role. Resolved once; the resolved source refreshes itself before expiry.
/// </summary>
internal sealed class DefaultAwsCredentials : IAwsCredentials
{
    private readonly Lazy<Task<AWSCredentials>> _source = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null));

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var source = await _source.Value.WaitAsync(cancellationToken);
            return await source.GetCredentialsAsync().WaitAsync(cancellationToken);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsCredentialsException(
                $"no AWS credentials found ({ex.Message}); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance or task role", ex);
        }
    }
}

/// <summary>Fixed credentials, for local endpoints and tests.</summary>
internal sealed class StaticAwsCredentials(string accessKey, string secretKey, string? sessionToken = null) : IAwsCredentials
{
    private readonly ImmutableCredentials _credentials = new(accessKey, secretKey, sessionToken);

    public Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_credentials);
}
