using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Worker.Agent;

/// <summary>Builds the contract's <see cref="ProgressUpdate"/> messages.</summary>
internal static class ProgressUpdates
{
    public static ProgressUpdate Log(string jobId, LogStream stream, string text, DateTimeOffset at) => new()
    {
        JobId = jobId,
        Log = new LogLine { Stream = stream, Text = text, Timestamp = Timestamp.FromDateTimeOffset(at) },
    };

    public static ProgressUpdate Event(string jobId, DateTimeOffset at, Action<ProgressEvent> fill)
    {
        var progress = new ProgressEvent { Timestamp = Timestamp.FromDateTimeOffset(at) };
        fill(progress);
        return new ProgressUpdate { JobId = jobId, Progress = progress };
    }
}
