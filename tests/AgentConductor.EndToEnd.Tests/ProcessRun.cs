using System.Diagnostics;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>Runs a program to its end with its output captured and a deadline; past the deadline its tree is killed.</summary>
internal static class ProcessRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    }

    /// <param name="whileRunning">Called with the process's pid once it runs (to signal it, for example).</param>
    public static async Task<Result> RunAsync(ProcessStartInfo start, TimeSpan limit, CancellationToken cancellationToken, Func<int, Task>? whileRunning = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            if (whileRunning is not null)
            {
                await whileRunning(process.Id);
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {limit}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
