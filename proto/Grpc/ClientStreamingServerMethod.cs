namespace AgentConductor.Proto.Grpc;

/// <summary>Handles a client-streaming call: reads the requests from <paramref name="requestStream"/>, returns one response.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(
    IAsyncStreamReader<TRequest> requestStream, ServerCallContext context);
