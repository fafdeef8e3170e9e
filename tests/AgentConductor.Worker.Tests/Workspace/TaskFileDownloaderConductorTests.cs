using System.Security.Cryptography;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Tests.Fakes;
using AgentConductor.Worker.Workspace;

namespace AgentConductor.Worker.Tests.Workspace;

/// <summary>The resume against the real conductor over gRPC: its TaskFileStreamer serves the paths asked for.</summary>
public sealed class TaskFileDownloaderConductorTests
{
    private const int BigFileSize = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DownloadAsync_ConnectionCutMidFile_ResumedAgainstTheConductor()
    {
        using var templates = new TempDirectory();
        WriteTemplates(templates.Path);
        await using var conductor = await ConductorHost.StartAsync([$"--TaskFiles:TemplateFolder={templates.Path}"], cancellationToken: Ct);
        var (jobId, token) = await conductor.LaunchTicketAsync("RES-1", cancellationToken: Ct);
        var spec = await HandshakeAsync(conductor.WorkerAddress, jobId, token);
        var paths = spec.TaskFiles.Select(f => f.Path).ToList();
        var bigIndex = paths.IndexOf("fixtures.bin");
        // Half-way into fixtures.bin: every earlier file and its framing (far below 64 KiB of overhead) is through.
        var cutAt = spec.TaskFiles.Take(bigIndex).Sum(f => f.Size) + (64 * 1024) + (BigFileSize / 2);
        using var handler = new CuttingDownloadHandler(cutAt);
        using var client = new ConductorClient(
            new ConductorConnection(conductor.WorkerAddress, jobId, token), new ConductorRetryOptions(), TimeProvider.System,
            new ListLogger<ConductorClient>(), httpHandler: handler);
        var logger = new ListLogger<TaskFileDownloader>();
        using var workspace = new TempDirectory();

        var files = await new TaskFileDownloader(client, logger).DownloadAsync(workspace.Path, spec.TaskFiles, Ct);

        Assert.Equal([[], [.. paths.Skip(bigIndex)]], handler.DownloadRequests.Select(r => r.Paths.ToArray()));
        Assert.Equal(1, logger.Count("TaskFileDownloadResuming"));
        Assert.Equal(paths.Order(StringComparer.Ordinal), files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var info in spec.TaskFiles)
        {
            await using var stream = File.OpenRead(Path.Combine(workspace.Path, info.Path));
            Assert.Equal(info.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, Ct)), ignoreCase: true);
        }

        Assert.Equal(paths.Count, Directory.GetFiles(workspace.Path, "*", SearchOption.AllDirectories).Length);
    }

    private static async Task<JobSpec> HandshakeAsync(Uri address, string jobId, string token)
    {
        using var client = new ConductorClient(
            new ConductorConnection(address, jobId, token), new ConductorRetryOptions(), TimeProvider.System, new ListLogger<ConductorClient>());
        return (await client.HandshakeAsync(new HandshakeRequest(), Ct)).Job;
    }

    private static void WriteTemplates(string root)
    {
        foreach (var kind in new[] { "ticket", "incident", "followup" })
        {
            Directory.CreateDirectory(Path.Combine(root, kind));
            File.WriteAllText(Path.Combine(root, kind, "TASK.md"), "Work on {{ticket_key}}.\n\n{{untrusted_data}}\n");
        }

        var content = new byte[BigFileSize];
        new Random(42).NextBytes(content);
        File.WriteAllBytes(Path.Combine(root, "ticket", "fixtures.bin"), content);
    }
}
