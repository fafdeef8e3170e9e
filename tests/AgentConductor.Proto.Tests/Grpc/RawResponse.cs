namespace AgentConductor.Proto.Tests.Grpc;

internal sealed record RawResponse(int StatusCode, Dictionary<string, string> Headers, Dictionary<string, string> Trailers, byte[] Body);
