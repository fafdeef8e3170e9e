using System.Diagnostics;
using System.Security.Cryptography;
using AgentConductor.Conductor.Secrets;

namespace AgentConductor.Benchmarks.Secrets;

/// <summary>
/// What masking costs on the progress path: every stored line goes through <see cref="SecretRegistry.Mask"/>. Lines shaped
/// like a Codex run's (JSON events, command output; a few per thousand carry a secret, some start like a token) against
/// a registry holding the API key, AWS credentials, the App's PEM key and a token and JWT for each concurrent job.
/// Reports ns per line and MB/s, next to copying the same lines (the cost of storing them unmasked) and to searching for
/// each minted token's forms one by one (the worker's way, fine for its handful of secrets).
/// </summary>
internal static class MaskingBenchmark
{
    public static int Run(int lines, int jobs, int rounds)
    {
        var secrets = new SecretRegistry([], TimeProvider.System);
        using var key = RSA.Create(2048);
        secrets.Register(key.ExportRSAPrivateKeyPem());
        secrets.Register("conductor-api-key-0123456789abcdef");
        secrets.Register("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        secrets.Register("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD");
        var minted = new List<string>();
        for (var i = 0; i < jobs; i++)
        {
            var token = "ghs_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
            minted.Add(token);
            secrets.Register(token, DateTimeOffset.UtcNow.AddHours(1));
            secrets.Register("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + RandomNumberGenerator.GetHexString(120) + "." + RandomNumberGenerator.GetHexString(340), DateTimeOffset.UtcNow.AddMinutes(9));
        }

        var sample = Lines(lines, minted);
        var bytes = sample.Sum(l => (long)l.Length * 2);
        Console.WriteLine($"masking: {secrets.Count} forms registered ({jobs} jobs' tokens and JWTs, the App key, API key, AWS credentials); {lines:N0} lines, {bytes / 2 / lines} chars on average");
        var copy = Median(rounds, () => sample.Select(l => new string(l.AsSpan())).Count());
        var shapes = Median(rounds, () => sample.Select(SecretShapes.Mask).Count(l => l.Contains("***", StringComparison.Ordinal)));
        var forms = minted.SelectMany(SecretForms.Of).Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ToArray();
        var eachForm = Median(rounds, () => sample.Select(l => forms.Aggregate(l, (text, form) => text.Contains(form, StringComparison.Ordinal) ? text.Replace(form, "***", StringComparison.Ordinal) : text)).Count());
        var masked = Median(rounds, () => sample.Select(secrets.Mask).Count(l => l.Contains("***", StringComparison.Ordinal)));
        Report("copy only (unmasked storage)", copy, lines, bytes);
        Report("token shapes only", shapes, lines, bytes);
        Report($"Contains per form ({forms.Length})", eachForm, lines, bytes);
        Report("SecretRegistry.Mask", masked, lines, bytes);
        return 0;
    }

    private static List<string> Lines(int count, List<string> minted)
    {
        string[] shapes =
        [
            """{"type":"item.completed","item":{"id":"item_7","type":"command_execution","command":"bash -lc 'dotnet test tests/Payments.Tests --filter Refund'","aggregated_output":"Passed!  - Failed: 0, Passed: 42","exit_code":0,"status":"completed"}}""",
            """{"type":"item.completed","item":{"id":"item_9","type":"agent_message","text":"The refund rounding used banker's rounding; switched to away-from-zero and added a test for EUR amounts."}}""",
            "    at Payments.Refunds.RefundCalculator.Round(Decimal amount) in /work/repo/src/Payments/Refunds/RefundCalculator.cs:line 88",
            "task-runner: skipping sk-learn step for ASIA region; see docs/ops/ghp_rotation.md",
            """{"type":"turn.completed","usage":{"input_tokens":18211,"cached_input_tokens":16000,"output_tokens":944}}""",
        ];
        var random = new Random(7);
        var lines = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            lines.Add(i % 500 == 0 ? $"env: GITHUB_TOKEN={minted[random.Next(minted.Count)]}" : shapes[random.Next(shapes.Length)]);
        }

        return lines;
    }

    private static TimeSpan Median(int rounds, Func<int> run)
    {
        run();
        var times = new List<TimeSpan>();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed);
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    private static void Report(string what, TimeSpan elapsed, int lines, long bytes) =>
        Console.WriteLine($"masking: {what,-30} {elapsed.TotalNanoseconds / lines,8:F0} ns/line {bytes / 1e6 / elapsed.TotalSeconds,8:F0} MB/s");
}
