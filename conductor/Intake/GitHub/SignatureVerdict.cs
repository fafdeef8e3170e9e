namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>The result of a signature check; <see cref="Detail"/> never echoes what was sent.</summary>
internal readonly record struct SignatureVerdict(SignatureStatus Status, string Detail)
{
    public bool IsValid => Status == SignatureStatus.Valid;

    /// <summary>The rejection reason stored for a delivery that fails the check.</summary>
    public string RejectReason => Status switch
    {
        SignatureStatus.NoSecret => RejectReasons.NoSecret,
        SignatureStatus.Unsigned => RejectReasons.Unsigned,
        SignatureStatus.BadSignature => RejectReasons.BadSignature,
        _ => throw new InvalidOperationException("A valid signature is not a rejection."),
    };
}
