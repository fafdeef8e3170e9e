namespace AgentConductor.TestSupport;

/// <summary>A fresh folder under the system temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
        : this(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agent-conductor-tests"))
    {
    }

    private TempDirectory(string parent)
    {
        Path = System.IO.Path.Combine(parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// A fresh folder outside the system temp path (under the repository's <c>artifacts/test-work/</c>), for what the
    /// Codex CLI works in: it refuses to create its helper binaries under the temp dir, as the worker's default avoids.
    /// </summary>
    public static TempDirectory OutsideSystemTemp() => new(System.IO.Path.Combine(RepoPaths.Root, "artifacts", "test-work"));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process the test started; the OS temp cleaner will get it.
        }
    }
}
