using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// Assembles a job's task files once (rendered templates + <c>job.json</c>) under
/// <c>&lt;WorkFolder&gt;/&lt;job-id&gt;/task/</c>, hashing each file while it is written, and opens them for serving.
/// </summary>
internal sealed partial class TaskFileAssembler(IOptions<TaskFileOptions> options, ILogger<TaskFileAssembler> logger)
{
    public const int ChunkSize = 64 * 1024;
    private const uint RegularMode = 0b110_100_100;    // 0644
    private const uint ExecutableMode = 0b111_101_101; // 0755

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string JobFolder(string jobId) => Path.GetFullPath(Path.Combine(options.Value.WorkFolder, jobId));

    public string TaskFolder(string jobId) => Path.Combine(JobFolder(jobId), "task");

    /// <summary>The job's files, assembled now unless an earlier call did.</summary>
    public Task<IReadOnlyList<TaskFile>> EnsureAsync(JobDetails job, string branch, RepositoryRoute route, CancellationToken cancellationToken) =>
        EnsureAsync(job, branch, route, [], cancellationToken);

    /// <summary>
    /// The job's files with <paramref name="extras"/> copied in after the templates, assembled now unless an earlier call
    /// did (then the files of that call are the job's, whatever <paramref name="extras"/> says now).
    /// </summary>
    public async Task<IReadOnlyList<TaskFile>> EnsureAsync(
        JobDetails job, string branch, RepositoryRoute route, IReadOnlyList<ExtraTaskFile> extras, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var jobFolder = JobFolder(job.JobId);
            if (TaskFileManifest.TryRead(jobFolder) is { } existing)
            {
                return existing;
            }

            var templates = TaskTemplates.List(options.Value.ResolvedTemplateFolder, job.Kind);
            Directory.CreateDirectory(jobFolder);
            var staging = Path.Combine(jobFolder, "task.tmp-" + Guid.NewGuid().ToString("N"));
            List<TaskFile> files;
            try
            {
                files = await WriteAllAsync(staging, templates, job, branch, route, cancellationToken);
                foreach (var extra in extras)
                {
                    var problem = TaskFilePaths.Problem(extra.Path) ?? (files.Any(f => f.Path == extra.Path) ? "is a template's path already" : null);
                    if (problem is not null)
                    {
                        throw new TaskFileException($"Refusing the task file '{extra.Path}': it {problem}.");
                    }

                    await using var source = OpenRead(extra.SourcePath);
                    files.Add(await WriteAsync(staging, extra.Path, source, RegularMode, cancellationToken));
                }
            }
            catch
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }

                throw;
            }

            var taskFolder = TaskFolder(job.JobId);
            if (Directory.Exists(taskFolder))
            {
                // Left by a crash after the files and before the manifest: assemble again.
                Directory.Delete(taskFolder, recursive: true);
            }

            Directory.Move(staging, taskFolder);
            TaskFileManifest.Write(jobFolder, files);
            Log.TaskFilesAssembled(logger, job.JobId, files.Count, taskFolder);
            return files;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<List<TaskFile>> WriteAllAsync(
        string staging, IReadOnlyList<(string Path, string FullPath)> templates, JobDetails job, string branch, RepositoryRoute route, CancellationToken cancellationToken)
    {
        var values = TaskDocuments.Placeholders(job, branch, route);
        var files = new List<TaskFile>(templates.Count + 1);
        foreach (var (path, fullPath) in templates)
        {
            // Checked again right before reading: the folder may have changed since it was listed.
            if (TaskFilePaths.IsLink(fullPath))
            {
                throw new TaskFileException($"Refusing template '{path}': it is a symbolic link.");
            }

            var mode = IsExecutable(fullPath) ? ExecutableMode : RegularMode;
            await using var source = TemplateRenderer.IsRendered(path)
                ? new MemoryStream(Encoding.UTF8.GetBytes(TemplateRenderer.Render(await File.ReadAllTextAsync(fullPath, cancellationToken), values)))
                : (Stream)OpenRead(fullPath);
            files.Add(await WriteAsync(staging, path, source, mode, cancellationToken));
        }

        await using var json = new MemoryStream(TaskDocuments.JobJson(job, branch, route));
        files.Add(await WriteAsync(staging, TaskTemplates.JobJson, json, RegularMode, cancellationToken));
        return files;
    }

    /// <summary>The files an earlier <c>EnsureAsync</c> assembled, or null.</summary>
    public IReadOnlyList<TaskFile>? TryLoad(string jobId) => TaskFileManifest.TryRead(JobFolder(jobId));

    /// <summary>Opens a listed file for serving; refuses unsafe paths and paths through symbolic links.</summary>
    public FileStream OpenForServing(string jobId, TaskFile file) => OpenRead(TaskFilePaths.Resolve(TaskFolder(jobId), file.Path));

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    private static async Task<TaskFile> WriteAsync(string root, string path, Stream source, uint mode, CancellationToken cancellationToken)
    {
        var target = Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long size = 0;
        try
        {
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, (UnixFileMode)mode);
        }

        return new TaskFile(path, size, mode, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 350, EventName = "TaskFilesAssembled", Level = LogLevel.Information, Message = "Assembled {Count} task files for job {JobId} in {Folder}")]
        public static partial void TaskFilesAssembled(ILogger logger, string jobId, int count, string folder);
    }
}
