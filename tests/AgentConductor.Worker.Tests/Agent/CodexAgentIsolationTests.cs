using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// What the real Codex CLI's shell can see, asked by the model: its own user, no capabilities, no_new_privs, an
/// environment with the proxy's token and nothing of the worker's, and no way into the worker's process.
/// </summary>
public sealed class CodexAgentIsolationTests
{
    private const string Canary = "worker-only-canary-5c1d0e";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_TheAgentsShellLooksAround_OwnUserNoPrivilegesNoSecretAndTheWorkerOutOfReach()
    {
        AgentUsers.RequireSeparation();
        Environment.SetEnvironmentVariable("AC_WORKER_ONLY_CANARY", Canary);
        const string Probe =
            "echo uid=$(id -u) gid=$(id -g) groups=$(id -G); grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status; echo ---env; env | sort; " +
            "echo ---worker; cat /proc/$WORKER/environ >/dev/null 2>&1 && echo WORKER-ENVIRON-READ || echo worker-environ-denied; " +
            "cat /proc/$WORKER/mem >/dev/null 2>&1 && echo WORKER-MEMORY-READ || echo worker-memory-denied";
        await using var codex = await CodexCliHarness.StartAsync(
            ModelScript.Of(ModelStep.Shell(Probe.Replace("$WORKER", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), ModelStep.Message("Looked around.")));

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        var seen = Assert.Single(codex.Model.Requests[1].ToolOutputs).Value; // what the shell printed, as the model got it (unmasked)
        Assert.Contains("uid=10001 gid=10001 groups=10001", seen, StringComparison.Ordinal);
        Assert.Contains("CapEff:\t0000000000000000", seen, StringComparison.Ordinal);
        Assert.Contains("CapPrm:\t0000000000000000", seen, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs:\t1", seen, StringComparison.Ordinal);
        Assert.Contains("CODEX_API_KEY=acproxy-", seen, StringComparison.Ordinal);
        Assert.DoesNotContain(CodexCliHarness.ApiKey, seen, StringComparison.Ordinal);
        Assert.Contains("worker-environ-denied", seen, StringComparison.Ordinal);
        Assert.Contains("worker-memory-denied", seen, StringComparison.Ordinal);
        // Only the allowlist: nothing else of the test process's (the "worker's") own environment.
        Assert.DoesNotContain(Canary, seen, StringComparison.Ordinal);
        // The model got the real key from the proxy on every request.
        Assert.All(codex.Model.Requests, r => Assert.True(r.CredentialAccepted));
    }
}
