using AgentConductor.Conductor.Aws;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// <see cref="IArchiveStorage"/> on AWSSDK.S3. A custom <c>Archive:ServiceUrl</c> is addressed path-style and signed for
/// <c>Archive:Region</c>. Payloads are signed whole (no aws-chunked encoding), which every S3-compatible store accepts.
/// </summary>
internal sealed class S3ArchiveStorage : IArchiveStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;

    public S3ArchiveStorage(IOptions<ArchiveOptions> options, IAwsCredentials credentials)
    {
        var settings = options.Value;
        _bucket = settings.Bucket!;
        var config = new AmazonS3Config
        {
            Timeout = settings.RequestTimeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(settings.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }
        else
        {
            config.ServiceURL = settings.ServiceUrl;
            config.AuthenticationRegion = settings.Region;
            config.ForcePathStyle = true;
        }

        _client = new AmazonS3Client(new SdkCredentials(credentials), config);
    }

    public async Task PutFileAsync(string key, string path, string contentType, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            FilePath = path,
            ContentType = contentType,
            UseChunkEncoding = false,
        };
        try
        {
            await _client.PutObjectAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUploadFailure(ex))
        {
            throw new ArchiveUploadException($"uploading s3://{_bucket}/{key} failed: {Describe(ex)}", ex);
        }
    }

    public async Task<bool> GetFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await response.ResponseStream.CopyToAsync(file, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUploadFailure(ex))
        {
            throw new ArchiveUploadException($"downloading s3://{_bucket}/{key} failed: {Describe(ex)}", ex);
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool IsUploadFailure(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or AwsCredentialsException or HttpRequestException or IOException or OperationCanceledException;

    private static string Describe(Exception ex) => ex switch
    {
        AmazonS3Exception s3 when s3.ErrorCode is { Length: > 0 } =>
            $"{s3.ErrorCode}: {s3.Message} (HTTP {(int)s3.StatusCode}{(s3.RequestId is { Length: > 0 } id ? $", request {id}" : "")})",
        OperationCanceledException => "the request timed out (Archive:RequestTimeout)",
        _ when Innermost(ex) is var cause && !ex.Message.Contains(cause.Message, StringComparison.Ordinal) => $"{ex.Message} ({cause.Message})",
        _ => ex.Message,
    };

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;
}
