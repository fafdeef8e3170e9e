using System.Diagnostics;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>A bare git repository on disk with one commit on <c>main</c>: the remote a worker clones and pushes to.</summary>
internal sealed class BareRepository
{
    private BareRepository(string path) => Path = path;

    public string Path { get; }

    public string CloneUrl => new Uri(Path).AbsoluteUri;

    public static BareRepository Create(TempDirectory directory)
    {
        var bare = directory.File("remote.git");
        var seed = directory.File("seed");
        Git(directory.Path, "init", "--quiet", "--bare", "--initial-branch=main", bare);
        Git(directory.Path, "init", "--quiet", "--initial-branch=main", seed);
        File.WriteAllText(System.IO.Path.Combine(seed, "README.md"), "# app\n");
        Git(seed, "add", "README.md");
        Git(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "seed");
        Git(seed, "push", "--quiet", bare, "main");
        return new BareRepository(bare);
    }

    /// <summary>The commit a branch points at, or null when the branch does not exist.</summary>
    public string? Head(string branch)
    {
        var (exit, output) = Run(Path, "--git-dir", Path, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch);
        return exit == 0 ? output.Trim() : null;
    }

    /// <summary>The branches the agents pushed (<c>agent/...</c>).</summary>
    public IReadOnlyList<string> AgentBranches() =>
        Git(Path, "--git-dir", Path, "for-each-ref", "--format=%(refname:short)", "refs/heads/agent/").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The first parent of <paramref name="commit"/>.</summary>
    public string Parent(string commit) => Git(Path, "--git-dir", Path, "rev-parse", commit + "^").Trim();

    public string Show(string branch, string file) => Git(Path, "--git-dir", Path, "show", $"{branch}:{file}");

    private static string Git(string workingDirectory, params string[] arguments)
    {
        var (exit, output) = Run(workingDirectory, arguments);
        return exit == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({exit}): {output}");
    }

    private static (int Exit, string Output) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
