using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>
/// Runs the docker CLI (<c>DockerLauncher:DockerCommand</c>) with an argument array, no shell, and collects its
/// output. Each call is bounded by <c>DockerLauncher:CommandTimeout</c> (plus any extra time the call needs, such as a
/// stop's grace); a call over time is killed. Error messages name the subcommand only, never the arguments.
/// </summary>
internal sealed class DockerCli(IOptions<DockerLauncherOptions> options, TimeProvider time)
{
    public async Task<DockerCliResult> RunAsync(
        IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan extraTime, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var start = new ProcessStartInfo(settings.DockerCommand)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DockerCliException($"'{settings.DockerCommand}' did not start a process");
        }
        catch (Win32Exception ex)
        {
            throw new DockerCliException($"cannot run the docker CLI '{settings.DockerCommand}': {ex.Message} (check DockerLauncher:DockerCommand)", programMissing: true, ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var limit = settings.CommandTimeout + extraTime;
            using var timeout = new CancellationTokenSource(limit, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await process.WaitForExitAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                throw new DockerCliException($"docker {arguments[0]} did not finish within {limit} (DockerLauncher:CommandTimeout); is the Docker engine answering?");
            }

            return new DockerCliResult(process.ExitCode, await stdout, await stderr);
        }
    }
}
