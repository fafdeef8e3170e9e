using System.Diagnostics;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The Docker engine for the container tests. Without an engine they are skipped, unless <c>REQUIRE_DOCKER</c> is set
/// (as <c>scripts/test.sh</c> does after starting one), which turns a missing engine into a failure.
/// </summary>
internal static class DockerEngine
{
    /// <summary>The worker image <c>scripts/build-images.sh</c> builds (<c>WORKER_IMAGE</c> overrides it).</summary>
    public static string WorkerImage => Environment.GetEnvironmentVariable("WORKER_IMAGE") is { Length: > 0 } image ? image : "agent-conductor-worker:latest";

    /// <summary>Skips or fails the test unless an engine answers and holds the worker image.</summary>
    public static async Task RequireWorkerImageAsync(CancellationToken cancellationToken)
    {
        var (exit, _, stderr) = await RunAsync(cancellationToken, "version", "--format", "{{.Server.Version}}");
        if (exit != 0)
        {
            var why = $"no Docker engine answers ({stderr.Trim()})";
            if (Environment.GetEnvironmentVariable("REQUIRE_DOCKER") is { Length: > 0 } and not "0")
            {
                Assert.Fail($"REQUIRE_DOCKER is set but {why}; scripts/build-images.sh installs and starts one.");
            }

            Assert.Skip($"{why}; set REQUIRE_DOCKER=1 to make this a failure.");
        }

        (exit, _, _) = await RunAsync(cancellationToken, "image", "inspect", "--format", "{{.Id}}", WorkerImage);
        Assert.True(exit == 0, $"The worker image {WorkerImage} is missing: build it with scripts/build-images.sh.");
    }

    /// <summary>Removes every container carrying the label (the tests' own instance label).</summary>
    public static async Task RemoveContainersAsync(string label)
    {
        var (_, ids, _) = await RunAsync(CancellationToken.None, "ps", "--all", "--quiet", "--filter", "label=" + label);
        var list = ids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length > 0)
        {
            await RunAsync(CancellationToken.None, ["rm", "--force", .. list]);
        }
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, "", $"no docker CLI: {ex.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
