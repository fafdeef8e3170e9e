using System.CommandLine;

namespace AgentConductor.Benchmarks.Load;

internal static class LoadCommand
{
    public static Command Create()
    {
        var workers = new Option<int>("--workers") { Description = "Simulated workers connected at once (one job each)", DefaultValueFactory = _ => 2000 };
        var seconds = new Option<double>("--seconds") { Description = "Measured time", DefaultValueFactory = _ => 60 };
        var warmup = new Option<double>("--warmup-seconds") { Description = "Load before measuring", DefaultValueFactory = _ => 10 };
        var lines = new Option<double>("--lines-per-second") { Description = "Progress updates each worker streams per second", DefaultValueFactory = _ => 5 };
        var heartbeat = new Option<double>("--heartbeat-seconds") { Description = "WorkerApi:HeartbeatInterval of the conductor", DefaultValueFactory = _ => 1 };
        var connections = new Option<int>("--connections") { Description = "HTTP/2 connections the workers share (0: one per worker)", DefaultValueFactory = _ => 0 };
        var command = new Command("load", "The real conductor process under N simulated workers: heartbeat latency, progress absorbed, peak memory")
        {
            workers, seconds, warmup, lines, heartbeat, connections,
        };
        command.SetAction((parse, cancellationToken) => LoadBenchmark.RunAsync(
            new LoadSettings(
                parse.GetValue(workers),
                TimeSpan.FromSeconds(parse.GetValue(seconds)),
                TimeSpan.FromSeconds(parse.GetValue(warmup)),
                parse.GetValue(lines),
                TimeSpan.FromSeconds(parse.GetValue(heartbeat)),
                parse.GetValue(connections)),
            cancellationToken));
        return command;
    }
}
