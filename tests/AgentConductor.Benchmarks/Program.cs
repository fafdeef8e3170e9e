using AgentConductor.Benchmarks;

return args switch
{
    ["grpc-transfer", .. var rest] => await GrpcTransferBenchmark.RunAsync(BenchmarkArguments.Parse(rest), CancellationToken.None),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: AgentConductor.Benchmarks grpc-transfer [--size-mib 1024] [--rounds 3]");
    return 2;
}
