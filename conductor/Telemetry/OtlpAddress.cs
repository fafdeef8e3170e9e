namespace AgentConductor.Conductor.Telemetry;

/// <summary>The OTLP endpoint of one signal: over http/protobuf the signal's path goes under the base address, over grpc the address is used as is.</summary>
internal static class OtlpAddress
{
    /// <summary>What is wrong with <paramref name="endpoint"/> as a base address ("must be ..."), or null.</summary>
    public static string? Problem(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : $"must be an absolute http:// or https:// address without credentials or a query (got '{endpoint}')";

    /// <param name="signalPath"><c>v1/traces</c> or <c>v1/metrics</c>.</param>
    public static Uri For(string endpoint, string protocol, string signalPath)
    {
        var baseUri = new Uri(endpoint, UriKind.Absolute);
        return protocol == TelemetryOptions.Grpc ? baseUri : new Uri(new Uri(baseUri.ToString().TrimEnd('/') + "/"), signalPath);
    }
}
