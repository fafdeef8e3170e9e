namespace AgentConductor.Conductor.Api;

internal static class RequestBody
{
    /// <summary>
    /// Reads at most one byte past <paramref name="maxBytes"/>: enough to tell an over-size body (a longer result), never more.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var collected = new MemoryStream();
        int read;
        while (collected.Length <= maxBytes && (read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxBytes + 1 - collected.Length)), cancellationToken)) > 0)
        {
            collected.Write(buffer, 0, read);
        }

        return collected.GetBuffer().AsMemory(0, (int)collected.Length);
    }
}
