using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.GitHub;

/// <summary>Every problem with the GitHub App settings at once; the private key is read and tried here, at startup.</summary>
internal sealed partial class GitHubAppOptionsValidator : IValidateOptions<GitHubAppOptions>
{
    /// <summary>The permissions a worker cannot do without: pushing its branch and opening its pull request.</summary>
    public static IReadOnlyList<string> Required { get; } = ["contents", "pull_requests"];

    public ValidateOptionsResult Validate(string? name, GitHubAppOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            problems.Add("GitHub:AppId is required with GitHub:AppPrivateKeyPath (the App's id, or its client id).");
        }
        else if (!AppIdPattern().IsMatch(options.AppId))
        {
            problems.Add($"GitHub:AppId must be the App's numeric id or its client id (letters, digits and dots), got '{options.AppId}'.");
        }

        if (string.IsNullOrWhiteSpace(options.AppPrivateKeyPath))
        {
            problems.Add("GitHub:AppPrivateKeyPath is required with GitHub:AppId (the .pem file GitHub generated for the App).");
        }
        else if (!GitHubAppKey.TryLoad(options.AppPrivateKeyPath, out var key, out var keyProblem))
        {
            problems.Add(keyProblem);
        }
        else
        {
            key.Dispose();
        }

        if (options.InstallationId is <= 0)
        {
            problems.Add($"GitHub:InstallationId must be positive when set, got {options.InstallationId}.");
        }

        if (!options.ApiUrl.IsAbsoluteUri || options.ApiUrl.Scheme is not ("https" or "http"))
        {
            problems.Add($"GitHub:ApiUrl must be an absolute http(s) URL, got '{options.ApiUrl}'.");
        }

        foreach (var (permission, level) in options.Permissions)
        {
            if (!PermissionPattern().IsMatch(permission) || level is not ("read" or "write" or "admin"))
            {
                problems.Add($"GitHub:Permissions:{permission} = '{level}' is not a GitHub permission (a name like pull_requests, and read, write or admin).");
            }
        }

        foreach (var permission in Required.Where(p => !options.Permissions.TryGetValue(p, out var level) || level is not ("write" or "admin")))
        {
            problems.Add($"GitHub:Permissions:{permission} must be write: workers push their branch and open their pull request with the token.");
        }

        if (!System.Net.Http.Headers.ProductHeaderValue.TryParse(options.UserAgent, out var product) || product.Version is not null)
        {
            problems.Add($"GitHub:UserAgent must be a product name without spaces or slashes, got '{options.UserAgent}'.");
        }

        if (options.MaxRetries < 0)
        {
            problems.Add($"GitHub:MaxRetries must be 0 or more, got {options.MaxRetries}.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.RetryBaseDelay <= TimeSpan.Zero || options.MaxRetryWait <= TimeSpan.Zero)
        {
            problems.Add("GitHub:AttemptTimeout, RetryBaseDelay and MaxRetryWait must be positive.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^[A-Za-z0-9.]+$")]
    private static partial Regex AppIdPattern();

    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex PermissionPattern();
}
