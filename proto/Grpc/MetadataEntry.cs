namespace AgentConductor.Proto.Grpc;

/// <summary>One gRPC metadata entry (an HTTP/2 header or trailer); keys are lowercase.</summary>
public readonly record struct MetadataEntry(string Key, string Value);
