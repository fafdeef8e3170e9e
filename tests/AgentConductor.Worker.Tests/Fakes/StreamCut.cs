namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>Where the fake conductor ends a DownloadTaskFiles call early, and how (see <see cref="FakeWorkerService.CutDuring"/>).</summary>
internal sealed record StreamCut(long AfterBytes, bool Reset);
