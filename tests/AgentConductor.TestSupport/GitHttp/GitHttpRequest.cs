namespace AgentConductor.TestSupport.GitHttp;

/// <summary>One request a <see cref="GitHttpServer"/> received.</summary>
/// <param name="Authorization">The <c>Authorization</c> header as sent (null when absent).</param>
/// <param name="Authorized">It carried <c>Basic x-access-token:&lt;the server's token&gt;</c>.</param>
/// <param name="Status">What the server answered.</param>
public sealed record GitHttpRequest(string Method, string Path, string Query, string? Authorization, bool Authorized, int Status);
