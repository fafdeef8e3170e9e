namespace AgentConductor.Conductor.Archive;

/// <summary>The object store the archive writes to.</summary>
internal interface IArchiveStorage
{
    /// <summary>Uploads a file as the object <paramref name="key"/>, replacing any object of that key.</summary>
    /// <exception cref="ArchiveUploadException">The upload failed; trying again later may succeed.</exception>
    Task PutFileAsync(string key, string path, string contentType, CancellationToken cancellationToken);

    /// <summary>Downloads the object <paramref name="key"/> into <paramref name="path"/> (replaced); false when there is no such object.</summary>
    /// <exception cref="ArchiveUploadException">The download failed; trying again later may succeed.</exception>
    Task<bool> GetFileAsync(string key, string path, CancellationToken cancellationToken);
}
