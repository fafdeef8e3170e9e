using AgentConductor.Worker.Run;

return await WorkerProgram.RunAsync(args);
