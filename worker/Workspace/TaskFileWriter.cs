using System.Security.Cryptography;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Workspace;

/// <summary>
/// Writes one task file: each chunk goes straight to a temporary file next to the target while its SHA-256 is
/// computed incrementally; <see cref="CompleteAsync"/> checks size and digest, applies the mode bits and renames
/// the file into place. Disposing an incomplete writer deletes the temporary file.
/// </summary>
internal sealed class TaskFileWriter : IAsyncDisposable
{
    private const UnixFileMode DefaultMode = (UnixFileMode)0x1A4; // 0644
    private const int PermissionBits = 0x1FF; // 0777: setuid, setgid and sticky are never applied

    private readonly FileHeader _header;
    private readonly string _targetPath;
    private readonly string _tempPath;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;
    private bool _completed;

    private TaskFileWriter(FileHeader header, string targetPath, string tempPath, FileStream file)
    {
        _header = header;
        _targetPath = targetPath;
        _tempPath = tempPath;
        _file = file;
    }

    /// <summary>The file's path as sent by the conductor.</summary>
    public string Path => _header.Path;

    /// <summary>Creates the target's directories and the temporary file. <paramref name="targetPath"/> is already validated.</summary>
    public static TaskFileWriter Create(FileHeader header, string targetPath)
    {
        var directory = System.IO.Path.GetDirectoryName(targetPath)!;
        Directory.CreateDirectory(directory);
        var tempPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.partial");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, // never follows or reuses an existing entry
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new TaskFileWriter(header, targetPath, tempPath, new FileStream(tempPath, options));
    }

    /// <summary>Appends one chunk. Fails as soon as the content grows past the announced size.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_written + data.Length > _header.Size)
        {
            throw new TaskFileException(TaskFileError.Mismatch, Path, $"more than the announced {_header.Size} bytes arrived");
        }

        // Hash while the write is under way: both only read the chunk.
        var write = _file.WriteAsync(data, cancellationToken);
        _hash.AppendData(data.Span);
        await write;
        _written += data.Length;
    }

    /// <summary>Verifies size and digest, applies the mode and moves the file into place.</summary>
    public async Task<DownloadedTaskFile> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_written != _header.Size)
        {
            throw new TaskFileException(TaskFileError.Truncated, Path, $"only {_written} of the announced {_header.Size} bytes arrived");
        }

        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (!string.Equals(actual, _header.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new TaskFileException(TaskFileError.Mismatch, Path, $"the content's SHA-256 is {actual}, the header says {_header.Sha256}");
        }

        await _file.FlushAsync(cancellationToken);
        await _file.DisposeAsync();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_tempPath, _header.Mode == 0 ? DefaultMode : (UnixFileMode)(_header.Mode & PermissionBits));
        }

        File.Move(_tempPath, _targetPath, overwrite: false);
        _completed = true;
        return new DownloadedTaskFile(Path, _targetPath, _written, actual);
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _hash.Dispose();
        if (!_completed)
        {
            File.Delete(_tempPath);
        }
    }
}
