using System.Formats.Tar;
using System.IO.Compression;
using AgentConductor.Common;

namespace AgentConductor.Conductor.Sessions;

/// <summary>
/// What an agent session archive may hold (worker.proto, UploadSession): a gzip-compressed tar of directories and
/// regular files, every path relative, plain and under <c>sessions/</c>. The archive comes from a worker whose agent ran
/// code chosen by a model, so it is checked whole before it is kept: links, devices, absolute or climbing paths, too many
/// entries or too many expanded bytes (a compression bomb) make it unusable.
/// </summary>
internal static class SessionArchiveRules
{
    public const string Root = "sessions";

    public const int MaxEntries = 10_000;

    /// <summary>The expanded tar (headers and content) may be at most this many times the compressed size limit.</summary>
    public const int MaxExpansion = 16;

    /// <summary>Null when the archive in <paramref name="archive"/> keeps the rules, else what is wrong with it.</summary>
    public static async Task<string?> ProblemAsync(Stream archive, long maxExpandedBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using var bounded = new BoundedReadStream(gzip, maxExpandedBytes);
            await using var reader = new TarReader(bounded);
            var entries = 0;
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (++entries > MaxEntries)
                {
                    return $"it holds more than {MaxEntries} entries";
                }

                if (entry.EntryType is not (TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    return $"'{Shown(entry.Name)}' is a {entry.EntryType} entry (only directories and regular files are kept)";
                }

                if (PathProblem(entry.Name) is { } problem)
                {
                    return $"'{Shown(entry.Name)}' {problem}";
                }
            }

            return entries == 0 ? "it is empty" : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or ArgumentException)
        {
            return $"it is not a readable gzip-compressed tar ({ex.Message})";
        }
    }

    /// <summary>Null for a relative, '/'-separated path under <c>sessions/</c> without empty, <c>.</c> or <c>..</c> segments.</summary>
    public static string? PathProblem(string name)
    {
        var path = name.EndsWith('/') ? name[..^1] : name;
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            return "is not a relative path";
        }

        var segments = path.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            return "has an empty, '.' or '..' segment";
        }

        return segments[0] == Root ? null : $"is outside '{Root}/'";
    }

    private static string Shown(string name) => TaskFiles.UntrustedText.Inline(name, 200);
}
