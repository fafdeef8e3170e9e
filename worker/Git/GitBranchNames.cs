using System.Buffers;

namespace AgentConductor.Worker.Git;

/// <summary>The branches the worker may push: its own, under <c>agent/</c>, with a name git accepts as a branch.</summary>
internal static class GitBranchNames
{
    public const string AgentPrefix = "agent/";

    // Characters git forbids in ref names; several of them are refspec or revision syntax.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(" ~^:?*[\\");

    /// <summary>Throws unless <paramref name="branch"/> is one of ours and cannot be read as anything but a branch name.</summary>
    public static void EnsureAgentBranch(string branch)
    {
        ArgumentNullException.ThrowIfNull(branch);
        if (!branch.StartsWith(AgentPrefix, StringComparison.Ordinal) || branch.Length == AgentPrefix.Length)
        {
            throw new ArgumentException($"Refusing to push '{branch}': the worker pushes only its own branches, named '{AgentPrefix}...'.", nameof(branch));
        }

        // A refspec or revision syntax character would turn the push into something else (e.g. 'agent/x:main').
        if (branch.AsSpan().IndexOfAny(Forbidden) >= 0 || branch.Any(char.IsControl) || branch.Contains("..", StringComparison.Ordinal)
            || branch.Contains("@{", StringComparison.Ordinal) || branch.Contains("//", StringComparison.Ordinal)
            || branch.EndsWith('/') || branch.EndsWith('.') || branch.EndsWith(".lock", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Refusing to push '{branch}': it is not a valid branch name.", nameof(branch));
        }
    }
}
