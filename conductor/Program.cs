using AgentConductor.Conductor.Cli;

return await ConductorCommandLine.RunAsync(args);
