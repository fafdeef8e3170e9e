using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.ModelProxy;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>Builds a <see cref="CodexAgentRunner"/> as the worker composes one: its own model proxy per run, the agent's user from <see cref="AgentUsers"/>.</summary>
internal static class AgentRunners
{
    public static CodexAgentRunner Create(
        IProcessRunner processRunner, SecretMasker masker, AgentOptions options, TimeProvider? time = null, ListLogger<CodexAgentRunner>? logger = null, AgentAccount? account = null,
        IModelRequestGate? gate = null) =>
        new(
            processRunner,
            masker,
            Microsoft.Extensions.Options.Options.Create(options),
            account ?? AgentUsers.Account(),
            new ModelProxyFactory(gate ?? new AdmitEveryModelRequest(), time ?? TimeProvider.System, new ListLogger<ModelProxyServer>()),
            new WorkerSecrets(masker),
            time ?? TimeProvider.System,
            logger ?? new ListLogger<CodexAgentRunner>());
}
