using System.Runtime.CompilerServices;

namespace AgentConductor.Proto.Grpc;

public static class AsyncStreamReaderExtensions
{
    /// <summary>Enumerates the remaining messages of <paramref name="reader"/>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await reader.MoveNext(cancellationToken))
        {
            yield return reader.Current;
        }
    }
}
