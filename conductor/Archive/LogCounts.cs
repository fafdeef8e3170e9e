namespace AgentConductor.Conductor.Archive;

/// <summary>How many entries went into <c>log.txt</c> and <c>transcript.jsonl</c>.</summary>
internal readonly record struct LogCounts(long LogLines, long TranscriptEntries);
