using System.ComponentModel.DataAnnotations;

namespace AgentConductor.Conductor.Intake;

/// <summary>Limits applied to every incoming message, whatever its transport.</summary>
internal sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Bodies larger than this (UTF-8 bytes) are rejected as <c>too_large</c>. SQS's own maximum is 1 MiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
