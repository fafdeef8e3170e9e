using System.Diagnostics;
using System.Text.Json;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Calls the conductor's WorkerService with <c>tests/tools/grpc-interop-client.js</c> (@grpc/grpc-js) and parses its JSON output.</summary>
internal static class GrpcJsWorker
{
    private static string Tools => Path.Combine(RepoPaths.Root, "tests", "tools");

    private static string WorkerProto => Path.Combine(RepoPaths.Root, "proto", "agentconductor", "v1", "worker.proto");

    public static async Task<JsonElement> CallAsync(Uri server, string method, string kind, string token, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(Tools, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail($"tests/tools/node_modules is missing: run `npm ci --prefix tests/tools` in {RepoPaths.Root}.");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Tools };
        foreach (var argument in (string[])[
            Path.Combine(Tools, "grpc-interop-client.js"), "--proto", WorkerProto, "--address", $"{server.Host}:{server.Port}",
            "--service", WorkerService.Descriptor.FullName, "--method", method, "--kind", kind, "--metadata", $"authorization=Bearer {token}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
