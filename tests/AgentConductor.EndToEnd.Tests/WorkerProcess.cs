using System.Diagnostics;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>Runs the real worker binary (copied beside the tests) for one job, as a launcher would.</summary>
internal static class WorkerProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Uri conductor, string jobId, string token, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AgentConductor.Worker.dll"));
        start.Environment["CONDUCTOR_URL"] = conductor.ToString();
        start.Environment["JOB_ID"] = jobId;
        start.Environment["JOB_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
