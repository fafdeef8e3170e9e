using System.ComponentModel.DataAnnotations;

namespace AgentConductor.Conductor.Storage;

/// <summary>Where the conductor keeps its SQLite database.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Path of the database file; its folder is created when missing. Relative paths are from the working directory.</summary>
    [Required]
    public string DatabasePath { get; set; } = "data/conductor.db";

    /// <summary>How long a statement waits for another writer before the call fails as busy (a transient error).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
