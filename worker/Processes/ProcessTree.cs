using System.Globalization;

namespace AgentConductor.Worker.Processes;

/// <summary>
/// The descendants of a process, read from <c>/proc</c>. Each one is remembered with its start time, so a
/// signal sent later never reaches an unrelated process that happens to reuse the pid.
/// </summary>
internal sealed class ProcessTree
{
    private readonly List<(int Pid, long StartTime)> _descendants;

    private ProcessTree(List<(int Pid, long StartTime)> descendants) => _descendants = descendants;

    public IReadOnlyList<int> Descendants => [.. _descendants.Select(d => d.Pid)];

    /// <summary>Takes a snapshot of the processes below <paramref name="rootPid"/>; empty where /proc is missing.</summary>
    public static ProcessTree Capture(int rootPid)
    {
        var byParent = new Dictionary<int, List<(int Pid, long StartTime)>>();
        foreach (var directory in SafeEnumerate())
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadStat(pid, out var parent, out var startTime))
            {
                if (!byParent.TryGetValue(parent, out var children))
                {
                    byParent[parent] = children = [];
                }

                children.Add((pid, startTime));
            }
        }

        var found = new List<(int Pid, long StartTime)>();
        var pending = new Queue<int>([rootPid]);
        while (pending.TryDequeue(out var next))
        {
            foreach (var child in byParent.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child.Pid);
            }
        }

        return new ProcessTree(found);
    }

    /// <summary>Sends <paramref name="signal"/> to every remembered descendant still alive; returns how many got it.</summary>
    public int Signal(int signal) => Signal(signal, ownedBy: null);

    /// <summary>
    /// Sends <paramref name="signal"/> to every remembered descendant still alive, or only to those whose real uid is
    /// <paramref name="ownedBy"/>; returns how many got it.
    /// </summary>
    public int Signal(int signal, int? ownedBy)
    {
        var delivered = 0;
        foreach (var (pid, startTime) in _descendants)
        {
            if (TryReadStat(pid, out _, out var current, out var state) && current == startTime && state != 'Z'
                && (ownedBy is not { } uid || RealUserOf(pid) == uid)
                && NativeMethods.Kill(pid, signal) == 0)
            {
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>The real uid of <paramref name="pid"/> (the <c>Uid:</c> line of its status), or null when it is gone.</summary>
    public static int? RealUserOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?["Uid:".Length..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> SafeEnumerate()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool TryReadStat(int pid, out int parent, out long startTime) => TryReadStat(pid, out parent, out startTime, out _);

    // /proc/<pid>/stat: "pid (comm) state ppid ... starttime(22nd field) ..."; comm may hold spaces and parentheses.
    private static bool TryReadStat(int pid, out int parent, out long startTime, out char state)
    {
        parent = 0;
        startTime = 0;
        state = '?';
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20)
        {
            return false;
        }

        state = fields[0][0];
        return int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out parent)
            && long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out startTime);
    }
}
