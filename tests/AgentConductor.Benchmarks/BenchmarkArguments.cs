using System.Globalization;

namespace AgentConductor.Benchmarks;

internal sealed record BenchmarkArguments(int SizeMiB, int Rounds)
{
    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var sizeMiB = 1024;
        var rounds = 3;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--size-mib":
                    sizeMiB = value;
                    break;
                case "--rounds":
                    rounds = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        return new BenchmarkArguments(sizeMiB, rounds);
    }
}
