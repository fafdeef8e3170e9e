using System.CommandLine;
using AgentConductor.Benchmarks;
using AgentConductor.Benchmarks.Load;
using AgentConductor.Benchmarks.Scheduling;
using AgentConductor.Benchmarks.Secrets;
using AgentConductor.Benchmarks.Sqs;
using AgentConductor.Benchmarks.TaskFiles;

var events = new Option<int>("--events") { Description = "Events per measurement", DefaultValueFactory = _ => 20_000 };
var batches = new Option<int[]>("--batch") { Description = "Batch sizes (messages per transaction)", DefaultValueFactory = _ => [10, 100, 1000], AllowMultipleArgumentsPerToken = true };
var histories = new Option<int[]>("--history") { Description = "Stored events before measuring", DefaultValueFactory = _ => [10_000, 1_000_000], AllowMultipleArgumentsPerToken = true };
var rounds = new Option<int>("--rounds") { Description = "Repeat each measurement and report the median", DefaultValueFactory = _ => 3 };
var folder = new Option<string>("--folder") { Description = "Where the benchmark databases go", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "agent-conductor-bench") };
var scheduling = new Command("scheduling", "Durable scheduling throughput against raw SQLite inserts, and cost per event as history grows")
{
    events, batches, histories, rounds, folder,
};
scheduling.SetAction((parse, cancellationToken) => SchedulingBenchmark.RunAsync(
    parse.GetValue(events), parse.GetValue(batches)!, parse.GetValue(histories)!, parse.GetValue(rounds), parse.GetValue(folder)!, cancellationToken));

var grpcTransfer = new Command("grpc-transfer", "Task-file throughput over the gRPC layer against raw HTTP/2 from the same Kestrel server: [--size-mib 1024] [--rounds 3]");
grpcTransfer.TreatUnmatchedTokensAsErrors = false;
grpcTransfer.SetAction((parse, cancellationToken) => GrpcTransferBenchmark.RunAsync(BenchmarkArguments.Parse([.. parse.UnmatchedTokens]), cancellationToken));

var size = new Option<int>("--size-mib") { Description = "Size of the large task file", DefaultValueFactory = _ => 1024 };
var taskFiles = new Command("task-files", "A job's task files from the conductor's WorkerService to the worker's downloader on disk, with SHA-256 checks: [--size-mib 1024] [--rounds 3]") { size, rounds };
taskFiles.SetAction((parse, cancellationToken) => TaskFilesBenchmark.RunAsync(parse.GetValue(size), parse.GetValue(rounds), cancellationToken));

var sqsMessages = new Option<int>("--messages") { Description = "Messages per measurement", DefaultValueFactory = _ => 5_000 };
var pollers = new Option<int[]>("--pollers") { Description = "Concurrent pollers (and plain receive+delete loops)", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
var sqsIntake = new Command("sqs-intake", "Intake throughput from local-aws-sqs to committed decisions, next to the emulator's own receive+delete rate") { sqsMessages, pollers, rounds, folder };
sqsIntake.SetAction((parse, cancellationToken) => SqsIntakeBenchmark.RunAsync(
    parse.GetValue(sqsMessages), parse.GetValue(pollers)!, parse.GetValue(rounds), parse.GetValue(folder)!, cancellationToken));

var maskLines = new Option<int>("--lines") { Description = "Log lines per measurement", DefaultValueFactory = _ => 200_000 };
var maskJobs = new Option<int>("--jobs") { Description = "Concurrent jobs (a minted token and a JWT each in the registry)", DefaultValueFactory = _ => 1000 };
var masking = new Command("masking", "The conductor's secret masking of stored worker lines, against copying them") { maskLines, maskJobs, rounds };
masking.SetAction(parse => MaskingBenchmark.Run(parse.GetValue(maskLines), parse.GetValue(maskJobs), parse.GetValue(rounds)));

var root = new RootCommand("Agent Conductor benchmarks") { scheduling, grpcTransfer, taskFiles, sqsIntake, masking, LoadCommand.Create() };
return await root.Parse(args).InvokeAsync();
