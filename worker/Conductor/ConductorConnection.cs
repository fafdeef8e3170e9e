namespace AgentConductor.Worker.Conductor;

/// <summary>
/// Where the conductor is and who this worker is: the job id and the job token the launcher handed over.
/// <see cref="ToString"/> never prints the token.
/// </summary>
/// <param name="Address">The conductor's worker endpoint, <c>http://</c> (h2c) or <c>https://</c>.</param>
/// <param name="JobId">The job this worker was launched for; stamped on every request.</param>
/// <param name="Token">The job token, sent as <c>authorization: Bearer &lt;token&gt;</c>; a secret.</param>
internal sealed record ConductorConnection(Uri Address, string JobId, string Token)
{
    /// <summary>
    /// A W3C traceparent every call sends as is, so the conductor's spans of the calls join the job's trace; set only
    /// when the worker records no spans of its own (otherwise each call carries its own span's context).
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the settings cannot work.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"the conductor address must be an absolute http:// or https:// URI, not '{Address}'");
        }

        if (string.IsNullOrWhiteSpace(JobId))
        {
            problems.Add("the job id is empty");
        }

        if (string.IsNullOrWhiteSpace(Token) || Token.Any(char.IsControl))
        {
            problems.Add("the job token is empty or contains control characters");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid conductor connection: {string.Join("; ", problems)}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ConductorConnection {{ Address = {Address}, JobId = {JobId}, Token = *** }}";
}
