using System.Buffers;
using AgentConductor.Conductor.TaskFiles;
using Grpc.Core;
using AgentConductor.Proto.V1;
using Google.Protobuf;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// DownloadTaskFiles: for each file a header, then its content in chunks of at most 64 KiB read from disk into one
/// pooled buffer, so no file is ever held in memory whole.
/// </summary>
internal sealed partial class TaskFileStreamer(WorkerAuthenticator authenticator, TaskFileAssembler taskFiles, ILogger<TaskFileStreamer> logger)
{
    public async Task DownloadAsync(DownloadTaskFilesRequest request, IServerStreamWriter<TaskFileChunk> responses, ServerCallContext context)
    {
        var job = authenticator.Authenticate(context, request.JobId);
        JobStateChecks.EnsureConnected(job);
        var listed = taskFiles.TryLoad(job.Id)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} has no task files yet: call Handshake first."));
        var selected = Select(listed, request.Paths);
        var cancellationToken = context.CancellationToken;
        var buffer = ArrayPool<byte>.Shared.Rent(TaskFileAssembler.ChunkSize);
        try
        {
            foreach (var file in selected)
            {
                await using var stream = Open(job.Id, file);
                if (stream.Length != file.Size)
                {
                    throw new RpcException(new Status(StatusCode.DataLoss, $"Task file '{file.Path}' changed on disk since it was assembled."));
                }

                await responses.WriteAsync(new TaskFileChunk { Header = new FileHeader { Path = file.Path, Size = file.Size, Mode = file.Mode, Sha256 = file.Sha256 } }, cancellationToken);
                for (var remaining = file.Size; remaining > 0;)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(TaskFileAssembler.ChunkSize, remaining)), cancellationToken);
                    if (read == 0)
                    {
                        throw new RpcException(new Status(StatusCode.DataLoss, $"Task file '{file.Path}' is shorter than listed."));
                    }

                    // The message is serialised into the response before WriteAsync returns, so the buffer can be reused.
                    await responses.WriteAsync(new TaskFileChunk { Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) }, cancellationToken);
                    remaining -= read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Log.TaskFilesSent(logger, job.Id, selected.Count);
    }

    private static List<TaskFile> Select(IReadOnlyList<TaskFile> listed, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return [.. listed];
        }

        var selected = new List<TaskFile>(paths.Count);
        foreach (var path in paths)
        {
            if (TaskFilePaths.Problem(path) is { } problem)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Refusing task file path '{UntrustedText.Inline(path, 200)}': it {problem}."));
            }

            selected.Add(listed.FirstOrDefault(f => f.Path == path)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"No task file '{UntrustedText.Inline(path, 200)}'.")));
        }

        return selected;
    }

    private FileStream Open(string jobId, TaskFile file)
    {
        try
        {
            return taskFiles.OpenForServing(jobId, file);
        }
        catch (TaskFileException ex)
        {
            Log.TaskFileRefused(logger, jobId, ex.Message);
            throw new RpcException(new Status(StatusCode.PermissionDenied, ex.Message));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"Task file '{file.Path}' is missing on the conductor."));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 510, EventName = "TaskFilesSent", Level = LogLevel.Information, Message = "Sent {Count} task files of job {JobId}")]
        public static partial void TaskFilesSent(ILogger logger, string jobId, int count);

        [LoggerMessage(EventId = 511, EventName = "TaskFileRefused", Level = LogLevel.Error, Message = "Refused to serve a task file of job {JobId}: {Reason}")]
        public static partial void TaskFileRefused(ILogger logger, string jobId, string reason);
    }
}
