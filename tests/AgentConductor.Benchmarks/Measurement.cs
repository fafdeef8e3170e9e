namespace AgentConductor.Benchmarks;

internal sealed record Measurement(double MegabytesPerSecond, long PeakWorkingSet, long PeakGcHeap);
