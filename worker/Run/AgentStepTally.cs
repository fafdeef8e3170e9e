using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Run;

/// <summary>
/// The heartbeat's step while the agent runs, so an operator can tell a working agent from a stuck one: its turn and
/// how many commands it has run, counted from its progress events. Never the agent's own text, which it controls.
/// </summary>
internal sealed class AgentStepTally(HeartbeatLoop heartbeat)
{
    private int _turn;
    private int _commands;

    public void Observe(ProgressUpdate update)
    {
        switch (update.Progress?.EventCase)
        {
            case ProgressEvent.EventOneofCase.TurnStarted:
                _turn = update.Progress.TurnStarted.Turn;
                break;
            case ProgressEvent.EventOneofCase.CommandRun:
                _commands++;
                break;
            default:
                return;
        }

        heartbeat.Step = $"agent turn {_turn}, {_commands} {(_commands == 1 ? "command" : "commands")} run";
    }
}
