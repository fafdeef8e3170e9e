using System.ComponentModel.DataAnnotations;

namespace AgentConductor.Conductor.Shutdown;

/// <summary>The deploy's handshake with the conductor: a flag file it writes, a ready file the conductor writes.</summary>
internal sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>When this file reads <c>true</c> the conductor drains; relative paths are from the working directory.</summary>
    [Required]
    public string FlagPath { get; set; } = "IS_CONDUCTOR_SHUTTING_DOWN";

    /// <summary>Written with <c>true</c> once draining has finished, just before the conductor exits.</summary>
    [Required]
    public string ReadyPath { get; set; } = "CONDUCTOR_READY_FOR_SAFE_SHUTDOWN";

    /// <summary>How often the flag and the number of active jobs are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
