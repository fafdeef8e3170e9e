using System.Net;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

internal sealed class WorkerApiOptionsValidator : IValidateOptions<WorkerApiOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerApiOptions options)
    {
        var errors = new List<string>();
        if (!TryParseListenUrl(options.Urls, out var url))
        {
            errors.Add($"WorkerApi:Urls must be one http:// or https:// URL with an IP address, localhost or * as host (got '{options.Urls}').");
        }
        else if (url.Scheme == Uri.UriSchemeHttps && string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            errors.Add("WorkerApi:Urls is https:// but WorkerApi:CertificatePath is not set.");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            errors.Add("WorkerApi:CertificatePath is set but WorkerApi:Urls is http://; use https:// for TLS.");
        }

        if (!string.IsNullOrWhiteSpace(options.CertificatePath) && !File.Exists(options.CertificatePath))
        {
            errors.Add($"WorkerApi:CertificatePath '{options.CertificatePath}' does not exist.");
        }

        if (options.HeartbeatInterval < TimeSpan.FromSeconds(1) || options.HeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"WorkerApi:HeartbeatInterval must be between 00:00:01 and 00:10:00 (got {options.HeartbeatInterval}).");
        }

        if (options.HeartbeatFlushInterval < TimeSpan.FromMilliseconds(10) || options.HeartbeatFlushInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"WorkerApi:HeartbeatFlushInterval must be between 00:00:00.010 and 00:01:00 (got {options.HeartbeatFlushInterval}).");
        }

        if (options.ProgressFlushInterval < TimeSpan.FromMilliseconds(10) || options.ProgressFlushInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"WorkerApi:ProgressFlushInterval must be between 00:00:00.010 and 00:01:00 (got {options.ProgressFlushInterval}).");
        }

        if (options.MaxLogLineBytes is < 256 or > 1024 * 1024)
        {
            errors.Add($"WorkerApi:MaxLogLineBytes must be between 256 and 1048576 (got {options.MaxLogLineBytes}).");
        }

        if (options.MaxSummaryBytes is < 1024 or > 4 * 1024 * 1024)
        {
            errors.Add($"WorkerApi:MaxSummaryBytes must be between 1024 and 4194304 (got {options.MaxSummaryBytes}).");
        }

        if (options.MaxSessionBytes is < 1024 * 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"WorkerApi:MaxSessionBytes must be between 1048576 and 1073741824 (got {options.MaxSessionBytes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A listen URL Kestrel can bind: http(s), a port, and a host that is an IP address, localhost, * or +.</summary>
    public static bool TryParseListenUrl(string? value, out Uri url)
    {
        url = null!;
        if (string.IsNullOrWhiteSpace(value) || value.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }

        // "*" and "+" are not valid URI hosts; check them as a stand-in address.
        var probe = value.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || parsed.AbsolutePath != "/"
            || !(parsed.IsLoopback || IPAddress.TryParse(parsed.Host, out _)))
        {
            return false;
        }

        url = parsed;
        return true;
    }
}
