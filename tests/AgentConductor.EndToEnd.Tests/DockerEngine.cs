using System.Diagnostics;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The Docker engine for the container tests. Without an engine they are skipped, unless <c>REQUIRE_DOCKER</c> is set
/// (as <c>scripts/test.sh</c> does after starting one), which turns a missing engine into a failure.
/// </summary>
internal static class DockerEngine
{
    /// <summary>The worker image <c>scripts/build-images.sh</c> builds (<c>E2E_WORKER_IMAGE</c> overrides it).</summary>
    public static string WorkerImage => Environment.GetEnvironmentVariable("E2E_WORKER_IMAGE") is { Length: > 0 } image ? image : "agent-conductor/worker:latest";

    /// <summary>The conductor image <c>scripts/build-images.sh</c> builds (<c>E2E_CONDUCTOR_IMAGE</c> overrides it).</summary>
    public static string ConductorImage => Environment.GetEnvironmentVariable("E2E_CONDUCTOR_IMAGE") is { Length: > 0 } image ? image : "agent-conductor/conductor:latest";

    /// <summary>The engine's socket on this machine, from <c>DOCKER_HOST</c> (unix://) or the default path.</summary>
    public static string Socket => Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal)
        ? host["unix://".Length..]
        : "/var/run/docker.sock";

    /// <summary>Skips or fails the test unless an engine answers and holds the images (the worker image by default).</summary>
    public static async Task RequireImagesAsync(CancellationToken cancellationToken, params string[] images)
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

        foreach (var image in images.Length == 0 ? [WorkerImage] : images)
        {
            (exit, _, _) = await RunAsync(cancellationToken, "image", "inspect", "--format", "{{.Id}}", image);
            Assert.True(exit == 0, $"The image {image} is missing: build it with scripts/build-images.sh.");
        }
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

    /// <summary><c>uid:gid</c> of this test process, for <c>docker run --user</c> (files it mounts belong to it).</summary>
    public static async Task<string> HostUserAsync(CancellationToken cancellationToken) =>
        $"{await OutputAsync("id", ["-u"], cancellationToken)}:{await OutputAsync("id", ["-g"], cancellationToken)}";

    /// <summary>The group owning the engine's socket, for <c>docker run --group-add</c>.</summary>
    public static Task<string> SocketGroupAsync(CancellationToken cancellationToken) => OutputAsync("stat", ["-c", "%g", Socket], cancellationToken);

    public static Task<ProcessRun.Result> RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunProgramAsync("docker", arguments, cancellationToken);

    private static async Task<string> OutputAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await RunProgramAsync(program, arguments, cancellationToken);
        return exit == 0 ? stdout.Trim() : throw new InvalidOperationException($"{program} failed: {stderr}");
    }

    private static async Task<ProcessRun.Result> RunProgramAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return await ProcessRun.RunAsync(start, TimeSpan.FromMinutes(1), cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new(127, "", $"cannot run {program}: {ex.Message}");
        }
    }
}
