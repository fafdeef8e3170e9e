namespace AgentConductor.Proto.Grpc;

/// <summary>Writes the response messages of a server-streaming call; each write is flushed to the client.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken);
}
