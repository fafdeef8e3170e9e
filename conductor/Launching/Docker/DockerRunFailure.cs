namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>Why a <c>docker run</c> failed: a broken setting or image (not retried) or an engine that may answer next time (retried).</summary>
internal static class DockerRunFailure
{
    private static readonly string[] ImageUnavailable = ["No such image", "pull access denied", "manifest unknown", "invalid reference format"];
    private static readonly string[] ArgumentsRefused = ["invalid argument", "unknown flag", "unknown shorthand flag"];

    /// <summary>The launch failure, and whether docker left a container behind that cannot run (exit 126/127) to remove.</summary>
    public static (LaunchException Failure, bool RemoveContainer) Classify(DockerCliResult result, string image)
    {
        var error = result.Error;
        if (ImageUnavailable.Any(text => error.Contains(text, StringComparison.Ordinal)))
        {
            return (new LaunchException($"the worker image '{image}' is not available: {error} (check DockerLauncher:Image and Pull; scripts/build-images.sh builds it)", retryable: false), false);
        }

        if (result.ExitCode is 126 or 127)
        {
            return (new LaunchException($"the worker image '{image}' cannot start its worker: {error}", retryable: false), true);
        }

        if (ArgumentsRefused.Any(text => error.Contains(text, StringComparison.Ordinal)))
        {
            return (new LaunchException($"docker run refused the launcher's arguments: {error} (check the DockerLauncher settings)", retryable: false), false);
        }

        return (new LaunchException($"docker run failed: {error}", retryable: true), false);
    }
}
