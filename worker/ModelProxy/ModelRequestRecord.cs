namespace AgentConductor.Worker.ModelProxy;

/// <summary>One request the agent sent through the proxy and how it ended.</summary>
/// <param name="Index">0 for the run's first request.</param>
/// <param name="Status">The status the agent got (the model API's, or the proxy's own: 401, 404, 502...); 499 when the agent went away first.</param>
/// <param name="Usage">What the request's <c>response.completed</c> events reported; zero when none came.</param>
/// <param name="Outcome"><c>completed</c>, or what cut it short.</param>
internal sealed record ModelRequestRecord(int Index, string Method, string Path, int Status, ModelTokenCounts Usage, string Outcome, TimeSpan Duration);
