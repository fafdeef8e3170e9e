using System.Diagnostics;

namespace AgentConductor.TestSupport;

/// <summary>Runs the real conductor binary (copied beside the tests) as a child process and captures what it prints.</summary>
public static class ConductorProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "AgentConductor.Conductor.dll");

    /// <summary>
    /// Starts the conductor with <paramref name="arguments"/> (after the dll), its output and error redirected; the caller
    /// reads them, and kills and waits for the process.
    /// </summary>
    public static Process Start(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the conductor.");
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        string[] all = [.. arguments];
        using var process = Start(all, environment, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"conductor {string.Join(' ', all)} did not exit in time");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
