using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Common;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Sessions;

/// <summary>
/// The agent session archive of worker.proto (UploadSession): a gzip-compressed tar of Codex's <c>sessions/</c> folder
/// (its rollout files, from which <c>codex exec resume</c> rebuilds the conversation), with only directories and regular
/// files, every path relative and under <c>sessions/</c>. Both directions treat the input as hostile: what the agent's
/// user packed (<see cref="Normalize"/>) and what the conductor serves back (<see cref="Extract"/>) are read entry by entry,
/// bounded in entries and expanded bytes, and nothing but plain files and folders is ever written.
/// </summary>
internal static class SessionArchive
{
    public const string Root = "sessions";

    public const int MaxEntries = 10_000;

    /// <summary>The most bytes an archive may expand to (tar headers included), either way.</summary>
    public const long MaxExpandedBytes = 1024L * 1024 * 1024;

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Unpacks <paramref name="archivePath"/> into <paramref name="codexHome"/> (a fresh folder of the worker's); the files
    /// written. Throws <see cref="SessionArchiveException"/> at the first entry that breaks the rules.
    /// </summary>
    public static IReadOnlyList<string> Extract(string archivePath, string codexHome, long maxExpandedBytes = MaxExpandedBytes)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(codexHome)) + Path.DirectorySeparatorChar;
        var written = new List<string>();
        try
        {
            Read(archivePath, maxExpandedBytes, (entry, relative) =>
            {
                var target = Path.GetFullPath(Path.Combine(root, relative));
                if (!target.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new SessionArchiveException($"'{relative}' leads out of CODEX_HOME");
                }

                CreateFolders(root, Path.GetDirectoryName(target)!);
                if (entry.EntryType == TarEntryType.Directory)
                {
                    CreateFolders(root, target);
                    return;
                }

                written.Add(target);
                using var file = new FileStream(target, System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.SafeFileHandle, FileMode);
                }

                entry.DataStream?.CopyTo(file);
            });
        }
        catch
        {
            // An archive refused half-way leaves none of its files behind (folders stay, empty).
            foreach (var file in written.Where(File.Exists))
            {
                File.Delete(file);
            }

            throw;
        }

        return written;
    }

    /// <summary>
    /// Writes the archive to upload from <paramref name="rawTar"/> (the plain tar the agent's user made of its
    /// <c>sessions/</c>): directories and regular files under <c>sessions/</c> only (anything else is dropped and counted),
    /// owners and times left out, every file's text masked. A file that is not UTF-8 text is no rollout and is dropped too.
    /// </summary>
    public static NormalizedSession Normalize(string rawTar, string archivePath, ISecretMasker masker, long maxExpandedBytes = MaxExpandedBytes)
    {
        var files = 0;
        var dropped = 0;
        using (var output = new FileStream(archivePath, System.IO.FileMode.Create, FileAccess.Write, FileShare.None))
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
        using (var input = new FileStream(rawTar, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var bounded = new BoundedReadStream(input, maxExpandedBytes))
        using (var reader = new TarReader(bounded))
        {
            var entries = 0;
            try
            {
                while (reader.GetNextEntry(copyData: false) is { } entry)
                {
                    if (++entries > MaxEntries)
                    {
                        throw new SessionArchiveException($"the agent's sessions folder holds more than {MaxEntries} entries");
                    }

                    var relative = Relative(entry.Name);
                    if (relative is null || entry.EntryType is not (TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    {
                        dropped++;
                        continue;
                    }

                    if (entry.EntryType == TarEntryType.Directory)
                    {
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, relative + "/") { Mode = FolderMode });
                        continue;
                    }

                    if (Masked(entry, masker) is not { } text)
                    {
                        dropped++;
                        continue;
                    }

                    using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative) { Mode = FileMode, DataStream = content });
                    files++;
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException)
            {
                throw new SessionArchiveException($"the agent's sessions folder could not be read ({ex.Message})", ex);
            }
        }

        var size = new FileInfo(archivePath).Length;
        using var written = File.OpenRead(archivePath);
        return new NormalizedSession(archivePath, size, Convert.ToHexStringLower(SHA256.HashData(written)), files, dropped);
    }

    /// <summary>The path relative to CODEX_HOME when it is a plain one under <c>sessions/</c>, without a trailing '/'; otherwise null.</summary>
    public static string? Relative(string name)
    {
        var path = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
        path = path.EndsWith('/') ? path[..^1] : path;
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            return null;
        }

        var segments = path.Split('/');
        return segments[0] == Root && !segments.Any(s => s is "" or "." or "..") ? path : null;
    }

    private static void Read(string archivePath, long maxExpandedBytes, Action<TarEntry, string> handle)
    {
        try
        {
            using var input = new FileStream(archivePath, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var bounded = new BoundedReadStream(gzip, maxExpandedBytes);
            using var reader = new TarReader(bounded);
            var entries = 0;
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++entries > MaxEntries)
                {
                    throw new SessionArchiveException($"it holds more than {MaxEntries} entries");
                }

                if (entry.EntryType is not (TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    throw new SessionArchiveException($"'{entry.Name}' is a {entry.EntryType} entry; only folders and regular files are unpacked");
                }

                handle(entry, Relative(entry.Name) ?? throw new SessionArchiveException($"'{entry.Name}' is not a plain path under '{Root}/'"));
            }

            if (entries == 0)
            {
                throw new SessionArchiveException("it is empty");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new SessionArchiveException($"it is not a readable gzip-compressed tar ({ex.Message})", ex);
        }
    }

    /// <summary>Creates each missing folder from <paramref name="root"/> down to <paramref name="folder"/>, refusing to pass through anything but a folder.</summary>
    private static void CreateFolders(string root, string folder)
    {
        var relative = Path.GetRelativePath(root, folder);
        var current = Path.TrimEndingDirectorySeparator(root);
        foreach (var segment in relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            var existing = new DirectoryInfo(current);
            if (existing.Exists && existing.LinkTarget is null)
            {
                continue;
            }

            if (existing.Exists || File.Exists(current))
            {
                throw new SessionArchiveException($"'{Path.GetRelativePath(root, current)}' is a file where the archive needs a folder");
            }

            Directory.CreateDirectory(current);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(current, FolderMode);
            }
        }
    }

    /// <summary>A regular file's content as masked UTF-8 text, or null when it is not UTF-8 (no rollout file).</summary>
    private static string? Masked(TarEntry entry, ISecretMasker masker)
    {
        if (entry.DataStream is null)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        entry.DataStream.CopyTo(buffer);
        try
        {
            return masker.Mask(StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
