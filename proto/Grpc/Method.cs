using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>Describes one rpc: its shape, its path (<c>/package.Service/Method</c>) and its message types.</summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method(MethodType type, string serviceName, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = $"/{serviceName}/{name}";
    }

    public MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>agentconductor.v1.WorkerService</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The method name, e.g. <c>Handshake</c>.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 path, e.g. <c>/agentconductor.v1.WorkerService/Handshake</c>.</summary>
    public string FullName { get; }

    internal MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    internal MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());
}
