using System.Net;
using System.Text.RegularExpressions;
using AgentConductor.Conductor.Aws;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Archive;

/// <summary>Checks the archive settings at startup (only when a bucket is set), listing every problem at once.</summary>
internal sealed partial class ArchiveOptionsValidator : IValidateOptions<ArchiveOptions>
{
    public ValidateOptionsResult Validate(string? name, ArchiveOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (BucketProblem(options.Bucket!) is { } bucket)
        {
            errors.Add($"Archive:Bucket '{options.Bucket}' {bucket}.");
        }

        if (PrefixProblem(options.KeyPrefix) is { } prefix)
        {
            errors.Add($"Archive:Prefix '{options.Prefix}' {prefix}.");
        }

        var custom = !string.IsNullOrWhiteSpace(options.ServiceUrl);
        if (string.IsNullOrWhiteSpace(options.Region))
        {
            errors.Add("Archive:Region is not set (nor Aws:Region, AWS_REGION, AWS_DEFAULT_REGION); set it to the bucket's region, e.g. eu-west-1.");
        }
        else if (!custom && !AwsOptions.IsKnownRegion(options.Region))
        {
            errors.Add($"Archive:Region '{options.Region}' is not a known AWS region (e.g. us-east-1, eu-west-1).");
        }

        if (custom && (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            errors.Add($"Archive:ServiceUrl '{options.ServiceUrl}' must be an http:// or https:// URL without credentials, query or fragment.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add("Archive:PollInterval must be positive.");
        }

        if (options.RetryBase <= TimeSpan.Zero || options.RetryCap < options.RetryBase)
        {
            errors.Add($"Archive:RetryBase ({options.RetryBase}) must be positive and not above Archive:RetryCap ({options.RetryCap}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            errors.Add("Archive:BatchSize must be between 1 and 1000.");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add("Archive:RequestTimeout must be at least 00:00:01.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>S3's rules for bucket names (general purpose buckets).</summary>
    private static string? BucketProblem(string bucket)
    {
        if (!BucketName().IsMatch(bucket))
        {
            return "is not a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
        }

        if (bucket.Contains("..", StringComparison.Ordinal))
        {
            return "is not a valid S3 bucket name: it contains two adjacent dots";
        }

        return IPAddress.TryParse(bucket, out _) ? "is not a valid S3 bucket name: it is formatted as an IP address" : null;
    }

    private static string? PrefixProblem(string prefix)
    {
        if (prefix.Length == 0)
        {
            return null;
        }

        if (prefix.Length > 512)
        {
            return "is longer than 512 characters";
        }

        if (prefix.Any(char.IsControl))
        {
            return "contains a control character";
        }

        return prefix.Split('/').Any(segment => segment is "" or "." or "..")
            ? "has an empty, '.' or '..' segment"
            : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
