using AgentConductor.Conductor.Cli;
using AgentConductor.Conductor.Launching.Local;

ProcessControl.RestoreInheritedInterrupts();

return await ConductorCommandLine.RunAsync(args);
