using System.Diagnostics;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>Runs the real worker binary (copied beside the tests) for one job, as a launcher would.</summary>
internal static class WorkerProcess
{
    /// <param name="folder">Where it runs, as a launcher's per-job folder: its work folder goes inside.</param>
    public static Task<ProcessRun.Result> RunAsync(Uri conductor, string jobId, string token, string folder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AgentConductor.Worker.dll"));
        start.Environment["CONDUCTOR_URL"] = conductor.ToString();
        start.Environment["JOB_ID"] = jobId;
        start.Environment["JOB_TOKEN"] = token;
        return ProcessRun.RunAsync(start, TimeSpan.FromMinutes(2), cancellationToken);
    }
}
