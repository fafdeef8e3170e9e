using AgentConductor.TestSupport;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Processes;

/// <summary>Builds a real <see cref="ProcessRunner"/> and tells whether a pid is still running.</summary>
internal static class ProcessTestHelpers
{
    public static ProcessRunner Runner(ISecretMasker? masker = null) =>
        new(new ListLogger<ProcessRunner>(), TimeProvider.System, masker ?? new SecretMasker());

    public static ProcessSpec Shell(string script, params string[] arguments) =>
        new() { FileName = "/bin/sh", Arguments = ["-c", script, "sh", .. arguments] };

    public static ProcessSpec Node(string script) => new() { FileName = "node", Arguments = ["-e", script] };

    /// <summary>True while the process exists and is not a zombie waiting for its (possibly absent) reaper.</summary>
    public static bool IsAlive(int pid)
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

    public static async Task<bool> IsGoneWithinAsync(int pid, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
