using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace AgentConductor.Worker.Tests.Sessions;

/// <summary>Session archives for the worker's tests: gzip-compressed tars written entry by entry, good and hostile.</summary>
internal static class SessionTars
{
    public static string Rollout(string threadId) => $"sessions/2026/11/02/rollout-2026-11-02T14-05-00-{threadId}.jsonl";

    public static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    public static PaxTarEntry Folder(string name) => new(TarEntryType.Directory, name);

    /// <summary>Writes the archive to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, params TarEntry[] entries)
    {
        using (var output = new FileStream(path, FileMode.Create))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return path;
    }
}
