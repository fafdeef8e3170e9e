using System.Diagnostics;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>
/// A bare repository on disk standing in for GitHub, seeded through a scratch clone, plus a plain git helper
/// for the tests' own checks (independent of the code under test).
/// </summary>
internal sealed class GitRemote
{
    private readonly string _scratch;

    private GitRemote(string bare, string scratch)
    {
        BarePath = bare;
        _scratch = scratch;
    }

    public string BarePath { get; }

    /// <summary>A <c>file://</c> URL: git ignores <c>--depth</c> for plain local paths.</summary>
    public string CloneUrl => new Uri(BarePath).AbsoluteUri;

    /// <summary>Creates <c>remote.git</c> under <paramref name="root"/> with <paramref name="commits"/> commits on <c>main</c>.</summary>
    public static async Task<GitRemote> CreateAsync(string root, int commits, CancellationToken cancellationToken)
    {
        var bare = Path.Combine(root, "remote.git");
        var scratch = Path.Combine(root, "scratch");
        await RunAsync(root, cancellationToken, "init", "--quiet", "--bare", "--initial-branch=main", bare);
        await RunAsync(root, cancellationToken, "init", "--quiet", "--initial-branch=main", scratch);
        var remote = new GitRemote(bare, scratch);
        for (var i = 1; i <= commits; i++)
        {
            await remote.CommitOnScratchAsync("README.md", $"version {i}\n", $"Seed commit {i}", cancellationToken);
        }

        await RunAsync(scratch, cancellationToken, "push", "--quiet", bare, "HEAD:refs/heads/main");
        return remote;
    }

    /// <summary>The commit a branch of the bare repository points at, or null when it does not exist.</summary>
    public async Task<string?> BranchShaAsync(string branch, CancellationToken cancellationToken)
    {
        var output = await RunAsync(BarePath, cancellationToken, "for-each-ref", "--format=%(objectname)", $"refs/heads/{branch}");
        return output.Length == 0 ? null : output;
    }

    /// <summary>Someone else pushes a commit to <paramref name="branch"/> (from the scratch clone).</summary>
    public async Task PushForeignCommitAsync(string branch, CancellationToken cancellationToken)
    {
        await RunAsync(_scratch, cancellationToken, "fetch", "--quiet", BarePath, $"refs/heads/{branch}");
        await RunAsync(_scratch, cancellationToken, "checkout", "--quiet", "-B", "foreign", "FETCH_HEAD");
        await CommitOnScratchAsync("foreign.txt", "not the agent's\n", "Foreign commit", cancellationToken);
        await RunAsync(_scratch, cancellationToken, "push", "--quiet", "--force", BarePath, $"HEAD:refs/heads/{branch}");
    }

    /// <summary>A reviewer pushes a commit that writes <paramref name="file"/> onto <paramref name="branch"/> (which must exist); its sha.</summary>
    public async Task<string> PushCommitAsync(string branch, string file, string content, CancellationToken cancellationToken)
    {
        await RunAsync(_scratch, cancellationToken, "fetch", "--quiet", BarePath, $"refs/heads/{branch}");
        await RunAsync(_scratch, cancellationToken, "checkout", "--quiet", "-B", "reviewer", "FETCH_HEAD");
        await CommitOnScratchAsync(file, content, $"Reviewer changes {file}", cancellationToken);
        await RunAsync(_scratch, cancellationToken, "push", "--quiet", BarePath, $"HEAD:refs/heads/{branch}");
        return await RunAsync(_scratch, cancellationToken, "rev-parse", "HEAD");
    }

    /// <summary>Runs git in <paramref name="directory"/> with a fixed identity; returns trimmed stdout; throws on failure.</summary>
    public static async Task<string> RunAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // safe.directory: the tests look into working copies that belong to the agent's user.
        foreach (var argument in (string[])["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "safe.directory=*", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        }

        return (await stdout).Trim();
    }

    /// <summary>Runs any program; returns trimmed stdout; throws on failure.</summary>
    public static async Task<string> RunProgramAsync(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? (await stdout).Trim() : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
    }

    private async Task CommitOnScratchAsync(string file, string content, string message, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(_scratch, file), content, cancellationToken);
        await RunAsync(_scratch, cancellationToken, "add", "--all");
        await RunAsync(_scratch, cancellationToken, "commit", "--quiet", "-m", message);
    }
}
