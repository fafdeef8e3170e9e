using Amazon;

namespace AgentConductor.Conductor.Archive;

/// <summary>Where a job's objects go: keys under <c>&lt;prefix&gt;/&lt;job-id&gt;/</c>, named as <c>s3://</c> URIs and https:// URLs.</summary>
internal sealed class ArchiveLocation
{
    private readonly string _urlBase;

    public ArchiveLocation(ArchiveOptions options)
    {
        Bucket = options.Bucket!;
        KeyPrefix = options.KeyPrefix;
        _urlBase = UrlBase(options);
    }

    public string Bucket { get; }

    public string KeyPrefix { get; }

    /// <summary>The job's folder (ends with '/'); an object's key is this plus its name.</summary>
    public string Folder(string jobId) => KeyPrefix.Length == 0 ? $"{jobId}/" : $"{KeyPrefix}/{jobId}/";

    public string Key(string jobId, string name) => Folder(jobId) + name;

    public string FolderUri(string jobId) => $"s3://{Bucket}/{Folder(jobId)}";

    public string FolderUrl(string jobId) => _urlBase + string.Join('/', Folder(jobId).Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Path-style on a custom endpoint (that is how it is addressed); on AWS the virtual-hosted URL, except for bucket
    /// names with dots, which the bucket's wildcard certificate does not cover.
    /// </summary>
    private static string UrlBase(ArchiveOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            return $"{options.ServiceUrl.TrimEnd('/')}/{options.Bucket}/";
        }

        var host = $"s3.{options.Region}.{RegionEndpoint.GetBySystemName(options.Region).PartitionDnsSuffix}";
        return options.Bucket!.Contains('.', StringComparison.Ordinal) ? $"https://{host}/{options.Bucket}/" : $"https://{options.Bucket}.{host}/";
    }
}
