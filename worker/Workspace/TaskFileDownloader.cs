using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Workspace;

/// <summary>
/// Fetches the job's task files with <see cref="IConductorClient.DownloadTaskFilesAsync"/> into the workspace:
/// every path is checked before anything is written for it, content is streamed to disk and verified against
/// the header (and the handshake's file list), and a file appears under its name only once verified. A stream
/// cut by a transient failure keeps the files already verified and asks again for the rest.
/// </summary>
internal sealed partial class TaskFileDownloader(IConductorClient conductor, ILogger logger)
{
    /// <summary>
    /// Resumes in a row that complete no file before giving up: a blip costs one, while a file that keeps killing
    /// the stream would otherwise be asked for forever.
    /// </summary>
    public const int MaxResumesWithoutProgress = 3;

    /// <summary>Downloads every task file into <paramref name="workspaceRoot"/> (created if missing).</summary>
    /// <param name="expectedFiles">
    /// The handshake's <c>JobSpec.task_files</c>; when not empty, the stream must deliver exactly these, and a stream
    /// cut by a transient failure after its first message is resumed by asking for the files still missing.
    /// </param>
    /// <exception cref="TaskFileException">A path is unsafe, a file does not match, or the stream breaks the protocol.</exception>
    /// <exception cref="ConductorUnreachableException">The call could not be started, or was cut and could not be resumed.</exception>
    public async Task<IReadOnlyList<DownloadedTaskFile>> DownloadAsync(
        string workspaceRoot, IReadOnlyList<TaskFileInfo> expectedFiles, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workspaceRoot);
        var expected = expectedFiles.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var downloaded = new List<DownloadedTaskFile>();
        var request = new DownloadTaskFilesRequest();
        var resumesWithoutProgress = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var completedBefore = downloaded.Count;
            var progress = new StreamProgress();
            try
            {
                await ReceiveAsync(request, workspaceRoot, expected, downloaded, progress, cancellationToken);
                break;
            }
            catch (ConductorUnreachableException) when (expected.Count > 0 && progress.MessageArrived && !cancellationToken.IsCancellationRequested)
            {
                var wasResume = request.Paths.Count > 0;
                if (downloaded.Count > completedBefore)
                {
                    resumesWithoutProgress = 0;
                }
                else if (wasResume && ++resumesWithoutProgress >= MaxResumesWithoutProgress)
                {
                    throw;
                }

                // Never empty: a file is completed only when the next header or the end of the stream arrives, so a
                // cut always leaves at least the file it interrupted.
                var left = NotDownloaded(expectedFiles, downloaded);
                Log.Resuming(logger, left.Count, string.Join(", ", left), downloaded.Count, expected.Count);
                request = new DownloadTaskFilesRequest { Paths = { left } };
            }
        }

        var missing = NotDownloaded(expectedFiles, downloaded).FirstOrDefault();
        if (missing is not null)
        {
            throw new TaskFileException(TaskFileError.Protocol, missing, "the handshake listed this file but the download did not include it");
        }

        return downloaded;
    }

    // The handshake's paths not downloaded yet, in the handshake's order.
    private static List<string> NotDownloaded(IReadOnlyList<TaskFileInfo> expectedFiles, List<DownloadedTaskFile> downloaded)
    {
        var done = downloaded.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return [.. expectedFiles.Select(f => f.Path).Where(p => !done.Contains(p))];
    }

    // One DownloadTaskFiles call: completed files are added to downloaded as they are verified; a file cut off
    // midway is dropped (its writer deletes the temporary file).
    private async Task ReceiveAsync(
        DownloadTaskFilesRequest request,
        string workspaceRoot,
        Dictionary<string, TaskFileInfo> expected,
        List<DownloadedTaskFile> downloaded,
        StreamProgress progress,
        CancellationToken cancellationToken)
    {
        TaskFileWriter? current = null;
        try
        {
            var chunks = conductor.DownloadTaskFilesAsync(request, cancellationToken);
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                progress.MessageArrived = true;
                switch (chunk.ChunkCase)
                {
                    case TaskFileChunk.ChunkOneofCase.Header:
                        var finished = current;
                        current = null;
                        await CompleteAsync(finished, downloaded, cancellationToken);
                        var header = chunk.Header;
                        var targetPath = WorkspacePaths.Resolve(workspaceRoot, header.Path);
                        CheckHeader(header, expected, downloaded);
                        current = TaskFileWriter.Create(header, targetPath);
                        break;
                    case TaskFileChunk.ChunkOneofCase.Data when current is not null:
                        await current.WriteAsync(chunk.Data.Memory, cancellationToken);
                        break;
                    default:
                        throw new TaskFileException(TaskFileError.Protocol, string.Empty, $"a {chunk.ChunkCase} message arrived where a file header was expected");
                }
            }

            var last = current;
            current = null;
            await CompleteAsync(last, downloaded, cancellationToken);
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
    }

    private static async Task CompleteAsync(TaskFileWriter? writer, List<DownloadedTaskFile> downloaded, CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            return;
        }

        await using (writer)
        {
            downloaded.Add(await writer.CompleteAsync(cancellationToken));
        }
    }

    private static void CheckHeader(FileHeader header, Dictionary<string, TaskFileInfo> expected, List<DownloadedTaskFile> downloaded)
    {
        if (header.Size < 0 || !IsSha256Hex(header.Sha256))
        {
            throw new TaskFileException(TaskFileError.Protocol, header.Path, $"the header has size {header.Size} and digest '{header.Sha256}'");
        }

        if (downloaded.Any(f => f.Path == header.Path))
        {
            throw new TaskFileException(TaskFileError.Protocol, header.Path, "the file was sent twice");
        }

        if (expected.Count == 0)
        {
            return;
        }

        if (!expected.TryGetValue(header.Path, out var info))
        {
            throw new TaskFileException(TaskFileError.Protocol, header.Path, "the handshake did not list this file");
        }

        if (info.Size != header.Size || !string.Equals(info.Sha256, header.Sha256, StringComparison.OrdinalIgnoreCase) || info.Mode != header.Mode)
        {
            throw new TaskFileException(
                TaskFileError.Mismatch,
                header.Path,
                $"the handshake listed size {info.Size}, mode {info.Mode}, SHA-256 {info.Sha256}; the header says size {header.Size}, mode {header.Mode}, SHA-256 {header.Sha256}");
        }
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    // Whether the call got past its start: only then is a transient failure a cut stream rather than a conductor
    // that stayed unreachable through the client's whole retry budget.
    private sealed class StreamProgress
    {
        public bool MessageArrived { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, EventName = "TaskFileDownloadResuming", Level = LogLevel.Warning,
            Message = "The task file download was cut off; asking again for the {LeftCount} files left ({LeftFiles}), {DoneCount} of {TotalCount} done")]
        public static partial void Resuming(ILogger logger, int leftCount, string leftFiles, int doneCount, int totalCount);
    }
}
