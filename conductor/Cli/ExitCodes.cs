namespace AgentConductor.Conductor.Cli;

/// <summary>Exit codes of the conductor's commands.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and found a difference (expectation not met, decisions changed).</summary>
    public const int Failed = 1;

    /// <summary>The input or the configuration cannot be used: nothing was done.</summary>
    public const int InvalidInput = 2;
}
