namespace AgentConductor.Worker.Processes;

/// <summary>One line of a child's output, without its terminator, already masked.</summary>
internal readonly record struct OutputLine(OutputStream Stream, string Text);
