using System.Diagnostics;
using System.Text.Json;

namespace AgentConductor.Proto.Tests.Grpc;

/// <summary>Runs <c>tests/tools/grpc-interop-client.js</c> (@grpc/grpc-js) and parses its JSON output.</summary>
internal static class NodeInteropClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ToolsDirectory => Path.Combine(RepositoryRoot, "tests", "tools");

    public static string TestProto => Path.Combine(RepositoryRoot, "tests", "AgentConductor.Proto.Tests", "Protos", "test_service.proto");

    public static async Task<JsonElement> RunAsync(Uri server, string method, string kind, IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(ToolsDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail($"tests/tools/node_modules is missing: run `npm ci --prefix tests/tools` from {RepositoryRoot}.");
        }

        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ToolsDirectory,
        };
        foreach (var argument in (string[])[
            Path.Combine(ToolsDirectory, "grpc-interop-client.js"),
            "--proto", TestProto,
            "--address", $"{server.Host}:{server.Port}",
            "--service", TestMethods.ServiceName,
            "--method", method,
            "--kind", kind,
            .. extraArguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentConductor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentConductor.sln above {AppContext.BaseDirectory}.");
    }
}
