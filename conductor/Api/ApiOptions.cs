namespace AgentConductor.Conductor.Api;

/// <summary>The HTTP API (intake, status, cancel). It listens on loopback by default; any other address needs a key.</summary>
internal sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>When set, every <c>/v1</c> request must send <c>Authorization: Bearer &lt;key&gt;</c>. Required when <c>Urls</c> is not loopback-only.</summary>
    public string? Key { get; set; }
}
