using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHttp;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>
/// The agent owns its working copy's <c>.git</c>. Everything it can plant there to redirect the push or to have a program
/// of its own run by the worker's git (with the worker's token) is planted at once, then the worker does what it does
/// after the agent (commit, collect, push) against an http remote that takes the token. Each planted program is a spy
/// that leaves a marker with its user and environment.
/// </summary>
public sealed class GitPlantedConfigTests
{
    private const string Branch = "agent/job-7/planted";

    private static readonly string[] Hooks =
    [
        "pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "reference-transaction", "post-checkout",
        "post-merge", "pre-auto-gc", "post-rewrite", "push-to-checkout", "post-index-change",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterTheAgent_EverythingPlantedInItsGitConfig_NoPlantedProgramSeesTheTokenAndThePushGoesOnlyToTheCloneUrl()
    {
        await using var harness = await new GitHarness(GitHarness.Token).WithHttpRemoteAsync(commits: 1, Token);
        using var elsewhere = new TempDirectory();
        await GitRemote.RunAsync(elsewhere.Path, Token, "init", "--quiet", "--bare", "evil.git");
        await using var evil = await GitHttpServer.StartAsync(elsewhere.Path, token: null, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);
        var markers = SharedFolder(elsewhere.File("markers"));
        var spies = Spies(elsewhere.File("spies"), markers);

        // The agent's work, then everything it plants.
        await harness.WriteFileAsync("fix.txt", "the agent's fix\n", Token);
        var evilUrl = evil.Url("evil.git");
        await File.WriteAllTextAsync(elsewhere.File("included.config"), $"[core]\n\tsshCommand = {spies["ssh-included"]}\n[credential]\n\thelper = !{spies["credential-included"]}\n", Token);
        string[][] planted =
        [
            ["url." + evilUrl + ".insteadOf", harness.CloneUrl],
            ["url." + evilUrl + ".pushInsteadOf", harness.CloneUrl],
            ["remote.origin.url", evilUrl],
            ["remote.origin.pushurl", evilUrl],
            ["core.hooksPath", Path.GetDirectoryName(spies["pre-push"])!],
            ["core.fsmonitor", spies["fsmonitor"]],
            ["filter.evil.clean", spies["clean"]],
            ["filter.evil.smudge", spies["smudge"]],
            ["filter.evil.required", "true"],
            ["diff.external", spies["diff-external"]],
            ["diff.evil.textconv", spies["textconv"]],
            ["core.sshCommand", spies["ssh"]],
            ["core.askPass", spies["askpass"]],
            ["credential.helper", "!" + spies["credential"]],
            ["gpg.program", spies["gpg"]],
            ["commit.gpgSign", "true"],
            ["core.pager", spies["pager"]],
            ["core.editor", spies["editor"]],
            ["uploadpack.packObjectsHook", spies["pack-objects-hook"]],
            ["include.path", elsewhere.File("included.config")],
        ];
        foreach (var entry in planted)
        {
            await harness.GitAsync(Token, ["config", "--add", .. entry]);
        }

        await harness.WriteFileAsync(".gitattributes", "* filter=evil diff=evil\n", Token);
        foreach (var hook in Hooks)
        {
            File.Copy(spies[hook], Path.Combine(harness.WorkDirectory, ".git", "hooks", hook));
        }

        harness.Account.GiveToAgent(harness.WorkDirectory);

        var head = await harness.CommitCollectAndPushAsync(Token);
        var files = await harness.Workspace.ChangedFilesAsync(checkout, head, Token);

        // The push landed on the clone URL's repository, and the agent's remote heard nothing at all.
        Assert.Equal(head, await harness.Remote.BranchShaAsync(Branch, Token));
        Assert.Equal("the agent's fix", (await GitRemote.RunAsync(harness.Remote.BarePath, Token, "show", $"{head}:fix.txt")).Trim());
        Assert.Contains("fix.txt", files);
        Assert.Empty(evil.Requests);
        Assert.Equal("", await GitRemote.RunAsync(elsewhere.File("evil.git"), Token, "for-each-ref"));
        Assert.All(harness.Http!.Requests, r => Assert.StartsWith("/remote.git/", r.Path, StringComparison.Ordinal));

        // No hook, fsmonitor, pager, editor, gpg, ssh, askpass, credential helper or pack-objects hook ran at all.
        var ran = Directory.GetFiles(markers).Select(f => File.ReadAllText(f)).ToList();
        var names = ran.Select(m => m.Split('\n')[0]["name=".Length..]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.All(names, name => Assert.Contains(name, new[] { "clean", "smudge" }));
        // What did run (the clean filter, on the worker's `git add`) ran as the agent, without a secret.
        Assert.All(ran, marker =>
        {
            Assert.DoesNotContain(GitHarness.Token, marker, StringComparison.Ordinal);
            Assert.DoesNotContain("WORKER_GIT_TOKEN", marker, StringComparison.Ordinal);
            if (harness.Account.User is { } agent)
            {
                Assert.Contains($"uid={agent.Uid}\n", marker, StringComparison.Ordinal);
            }
        });
    }

    /// <summary>A folder every user can write (the spies run as whoever runs them).</summary>
    private static string SharedFolder(string path)
    {
        UnixFiles.CreateFolder(path, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        return path;
    }

    /// <summary>One spy script per name: it writes <c>name=</c>, <c>uid=</c> and its environment into a marker, passes stdin through for the filters, and succeeds.</summary>
    private static Dictionary<string, string> Spies(string folder, string markers)
    {
        Directory.CreateDirectory(folder);
        var spies = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] names =
        [
            .. Hooks, "fsmonitor", "clean", "smudge", "diff-external", "textconv", "ssh", "ssh-included", "askpass", "credential",
            "credential-included", "gpg", "pager", "editor", "pack-objects-hook",
        ];
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            var passThrough = name is "clean" or "smudge" or "textconv" or "pager" ? "cat\n" : "";
            File.WriteAllText(path, $"#!/bin/sh\n{{ echo name={name}; echo uid=$(id -u); env; }} > \"{markers}/{name}-$$\" 2>/dev/null\n{passThrough}exit 0\n");
            UnixFiles.SetMode(path, (UnixFileMode)0b111_101_101);
            spies[name] = path;
        }

        return spies;
    }
}
