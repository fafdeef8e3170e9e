using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.Tests.Sessions;

/// <summary>Agent session archives as a worker uploads them (gzip-compressed tars of CODEX_HOME/sessions), good and hostile.</summary>
internal static class SessionArchives
{
    public const string ThreadId = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";

    public static string Rollout(string threadId = ThreadId) => $"sessions/2026/11/02/rollout-2026-11-02T14-05-00-{threadId}.jsonl";

    /// <summary>A session with one rollout file holding <paramref name="content"/>.</summary>
    public static byte[] Valid(string content = "{\"type\":\"session_meta\",\"payload\":{\"id\":\"" + ThreadId + "\"}}\n", string threadId = ThreadId) =>
        Build(new PaxTarEntry(TarEntryType.Directory, "sessions/"), File(Rollout(threadId), content));

    public static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    public static byte[] Build(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static SessionHeader Header(string jobId, byte[] archive, string threadId = ThreadId) =>
        new() { JobId = jobId, ThreadId = threadId, Size = archive.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(archive)) };
}
