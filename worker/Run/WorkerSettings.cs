using Microsoft.Extensions.Configuration;

namespace AgentConductor.Worker.Run;

/// <summary>
/// What the launcher hands a worker, from the environment (<c>CONDUCTOR_URL</c>, <c>JOB_ID</c>, <c>JOB_TOKEN</c>,
/// <c>GITHUB_TOKEN</c>, <c>CODEX_API_KEY</c>, <c>WORK_DIR</c>, <c>GITHUB_API_URL</c>, <c>GITHUB_REPOSITORY</c>, <c>PR_DRAFT</c>) or the same names
/// as <c>--NAME=value</c> arguments, which override. <see cref="ToString"/> never prints a secret.
/// </summary>
internal sealed record WorkerSettings(
    Uri ConductorUrl, string JobId, string JobToken, string? GitHubToken, string? CodexApiKey, string WorkDirectory, Uri? GitHubApiUrl, bool DraftPullRequests)
{
    /// <summary>
    /// <c>owner/name</c> of the GitHub repository pull requests go to, when the clone URL does not name it (a mirror
    /// or a local remote); otherwise it comes from the clone URL.
    /// </summary>
    public string? GitHubRepository { get; init; }

    public static WorkerSettings Load(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        string Required(string name)
        {
            var value = configuration[name];
            if (string.IsNullOrWhiteSpace(value))
            {
                found.Add($"{name} is required");
            }

            return value ?? "";
        }

        var url = Required("CONDUCTOR_URL");
        var jobId = Required("JOB_ID");
        var token = Required("JOB_TOKEN");
        if (url.Length > 0 && (!Uri.TryCreate(url, UriKind.Absolute, out _) || !(url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal))))
        {
            found.Add($"CONDUCTOR_URL must be an http:// or https:// address (got '{url}')");
        }

        Uri? gitHubApi = null;
        if (configuration["GITHUB_API_URL"] is { Length: > 0 } api && !Uri.TryCreate(api, UriKind.Absolute, out gitHubApi))
        {
            found.Add($"GITHUB_API_URL must be an absolute URL (got '{api}')");
        }

        if (configuration["GITHUB_REPOSITORY"] is { Length: > 0 } named && named.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            found.Add($"GITHUB_REPOSITORY must be owner/name (got '{named}')");
        }

        // Not under /tmp by default: Codex refuses to create its helper binaries under the temp dir (it warns and goes on
        // without them). A launcher starts each worker in a folder of its own (the local launcher's per-job folder).
        var workDirectory = Path.GetFullPath(configuration["WORK_DIR"] is { Length: > 0 } dir ? dir : Path.Combine(Environment.CurrentDirectory, "work"));
        problems = found;
        return new WorkerSettings(
            Uri.TryCreate(url, UriKind.Absolute, out var conductor) ? conductor : new Uri("http://invalid"),
            jobId,
            token,
            Blank(configuration["GITHUB_TOKEN"]),
            Blank(configuration["CODEX_API_KEY"]),
            workDirectory,
            gitHubApi,
            string.Equals(configuration["PR_DRAFT"], "true", StringComparison.OrdinalIgnoreCase))
        {
            GitHubRepository = Blank(configuration["GITHUB_REPOSITORY"]),
        };
    }

    public override string ToString() => $"WorkerSettings {{ ConductorUrl = {ConductorUrl}, JobId = {JobId}, WorkDirectory = {WorkDirectory} }}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
