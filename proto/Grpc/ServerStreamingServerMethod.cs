namespace AgentConductor.Proto.Grpc;

/// <summary>Handles a server-streaming call: writes any number of responses to <paramref name="responseStream"/>.</summary>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(
    TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);
