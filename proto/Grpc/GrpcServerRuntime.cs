using Microsoft.Extensions.Logging;

namespace AgentConductor.Proto.Grpc;

/// <summary>What every server call of an endpoint shares: limits, clock and logger.</summary>
internal sealed record GrpcServerRuntime(GrpcServerOptions Options, TimeProvider TimeProvider, ILogger Logger);
