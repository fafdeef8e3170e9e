namespace AgentConductor.Conductor.Cli;

internal static class ConductorCommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"agent-conductor: {args.Length} arguments; commands land with the scheduler.");
        return Task.FromResult(1);
    }
}
