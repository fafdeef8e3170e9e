using System.Diagnostics;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>Runs one of the repository's shell scripts with bash, an exact environment and a deadline.</summary>
internal static class ScriptRun
{
    /// <param name="environment">Set (a value) or removed (null) on top of this process's environment.</param>
    /// <param name="whileRunning">Called with the script's pid once it runs (to signal it, for example).</param>
    public static Task<ProcessRun.Result> RunAsync(
        string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, Func<int, Task>? whileRunning = null)
    {
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return ProcessRun.RunAsync(start, TimeSpan.FromMinutes(3), cancellationToken, whileRunning);
    }
}
