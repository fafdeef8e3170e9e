namespace AgentConductor.Conductor.Archive;

/// <summary>The object store the archive writes to.</summary>
internal interface IArchiveStorage
{
    /// <summary>Uploads a file as the object <paramref name="key"/>, replacing any object of that key.</summary>
    /// <exception cref="ArchiveUploadException">The upload failed; trying again later may succeed.</exception>
    Task PutFileAsync(string key, string path, string contentType, CancellationToken cancellationToken);
}
