namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>What a signature check found; anything but <see cref="Valid"/> rejects the delivery.</summary>
internal enum SignatureStatus
{
    Valid,
    NoSecret,
    Unsigned,
    BadSignature,
}
