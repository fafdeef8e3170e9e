using System.Text;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Security;

/// <summary>What must hold after a hostile agent ran: it got no secret, none is stored anywhere, no planted program ran
/// with one, its daemon died with it, and the push went to the clone URL only.</summary>
internal static class HostileAgentChecks
{
    // The names under which a secret travels: seeing one with a value means the agent read an environment it must not.
    private static readonly string[] SecretNames = ["JOB_TOKEN=", "GITHUB_TOKEN=", "WORKER_GIT_TOKEN=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN="];

    /// <summary>The agent's loot (what it pushed): proof it really looked, and that it found nothing.</summary>
    /// <param name="work">The worker's work folder as the agent saw it.</param>
    /// <param name="agentUid">The uid the worker started the agent as.</param>
    public static void LootHoldsNoSecret(HostileAgentRig rig, string loot, string work, int agentUid)
    {
        // It did look: as its own user, with the proxy's token, through every process, into the file system.
        Assert.Matches($"uid={agentUid}[ (]", loot);
        Assert.Contains("NoNewPrivs:\t1", loot, StringComparison.Ordinal);
        Assert.Contains("CapEff:\t0000000000000000", loot, StringComparison.Ordinal);
        Assert.Contains("CODEX_API_KEY=acproxy-", loot, StringComparison.Ordinal);
        Assert.Contains("=== processes", loot, StringComparison.Ordinal);
        Assert.Contains($"FOUND {rig.Folder}/notes/decoy.txt:{rig.Decoy}", loot, StringComparison.Ordinal);
        Assert.Contains("=== planted", loot, StringComparison.Ordinal);

        // And found nothing: no canary but the decoy, no secret's name with a value.
        foreach (var secret in rig.Secrets)
        {
            Assert.DoesNotContain(secret, loot, StringComparison.Ordinal);
        }

        Assert.All(loot.Split('\n').Where(l => l.StartsWith("FOUND ", StringComparison.Ordinal)), l => Assert.EndsWith(":" + rig.Decoy, l, StringComparison.Ordinal));
        // Command lines are not checked for names: every user may read every process's command line, and other tests
        // run beside this one with such names on theirs (an empty --GITHUB_TOKEN=, for one). This job's secrets are
        // checked everywhere above.
        var readByTheAgent = string.Join('\n', loot.Split('\n').Where(l => !(l.StartsWith("--- pid ", StringComparison.Ordinal) && l.Contains(" cmdline: ", StringComparison.Ordinal))));
        foreach (var name in SecretNames)
        {
            Assert.DoesNotContain(name, readByTheAgent, StringComparison.Ordinal);
        }

        // No process of another user let it read its environment or memory (the worker's among them).
        foreach (var block in loot.Split("--- pid ").Skip(1))
        {
            var header = block.Split('\n')[0];
            if (header.Split(' ') is [_, "uid", var uid, ..] && uid != agentUid.ToString(System.Globalization.CultureInfo.InvariantCulture) && uid.Length > 0)
            {
                Assert.True(block.Contains("\nenviron: ", StringComparison.Ordinal), $"the agent read the environment of a process of user {uid}: {header}");
                Assert.True(block.Contains("mem: denied", StringComparison.Ordinal), $"the agent read the memory of a process of user {uid}: {header}");
            }
        }

        // The worker's own folders stayed closed: their files could not even be listed.
        Assert.DoesNotContain($"--- {work}/task/", loot, StringComparison.Ordinal);
        Assert.DoesNotContain($"--- {work}/state/", loot, StringComparison.Ordinal);
    }

    /// <summary>Every program the agent planted that ran at all ran as the agent, with no secret around it.</summary>
    public static void PlantedProgramsGotNothing(HostileAgentRig rig, int agentUid)
    {
        foreach (var marker in Directory.GetFiles(rig.Markers, "ran-*"))
        {
            var text = File.ReadAllText(marker);
            Assert.Contains($"uid={agentUid}\n", text, StringComparison.Ordinal);
            NoSecretIn(rig, text, Path.GetFileName(marker));
        }

        var saw = Path.Combine(rig.Markers, "daemon-saw");
        if (File.Exists(saw))
        {
            NoSecretIn(rig, File.ReadAllText(saw), "what the agent's daemon saw");
        }
    }

    /// <summary>The daemon the agent left behind did not outlive the job.</summary>
    public static async Task DaemonIsGoneAsync(HostileAgentRig rig, CancellationToken cancellationToken)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(rig.Markers, "daemon.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.ValueAsync(() => Alive(pid) ? null : "gone", cancellationToken, TimeSpan.FromSeconds(30));
    }

    /// <summary>The push went to the clone URL (with the token) and the agent's remote heard nothing.</summary>
    public static void PushWentToTheCloneUrlOnly(HostileAgentRig rig)
    {
        Assert.True(rig.RemoteServer.Received(rig.GitHubToken), "git never used the token with the real remote");
        Assert.Contains(rig.RemoteServer.Requests, r => r.Path.EndsWith("/git-receive-pack", StringComparison.Ordinal) && r.Authorized);
        Assert.Empty(rig.Evil.Requests);
        Assert.Equal("", HostileAgentRig.Git(rig.EvilRepository, "for-each-ref"));
    }

    /// <summary>No secret in anything stored or sent: the database's every text, the logs, the pull request, what the model was sent.</summary>
    public static void StoredNowhere(HostileAgentRig rig, ConductorHost host, params (string What, string Text)[] outputs)
    {
        NoSecretIn(rig, AllDatabaseText(host), "the database");
        NoSecretIn(rig, host.Logs.AllText, "the conductor's log");
        foreach (var (what, text) in outputs)
        {
            NoSecretIn(rig, text, what);
        }

        foreach (var pullRequest in rig.GitHub.PullRequests)
        {
            NoSecretIn(rig, pullRequest.Title + "\n" + pullRequest.Body, "the pull request");
        }

        // What the agent printed went to the model too (as tool output): nothing of it was a secret.
        foreach (var request in rig.Model.Requests)
        {
            NoSecretIn(rig, string.Join('\n', request.ToolOutputs.Values), $"model request {request.Index}");
        }
    }

    private static void NoSecretIn(HostileAgentRig rig, string text, string what)
    {
        foreach (var secret in rig.Secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} holds the secret {secret[..20]}...");
        }

        foreach (var name in SecretNames)
        {
            Assert.False(text.Contains(name, StringComparison.Ordinal), $"{what} holds {name}...");
        }
    }

    /// <summary>Every column of every row of every table, as text.</summary>
    private static string AllDatabaseText(ConductorHost host)
    {
        using var connection = host.Database.OpenConnection();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
