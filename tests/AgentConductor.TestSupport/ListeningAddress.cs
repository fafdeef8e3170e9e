using System.Text.RegularExpressions;

namespace AgentConductor.TestSupport;

/// <summary>Finds the address a started host (the conductor, <c>feed serve</c>) listens on, from what it prints.</summary>
public static partial class ListeningAddress
{
    /// <summary>Reads <paramref name="output"/> until Kestrel's "Now listening on: http://127.0.0.1:PORT" line; its first address.</summary>
    public static async Task<string> ReadAsync(StreamReader output, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        while (await output.ReadLineAsync(deadline.Token) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("The process exited before it listened.");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
