using AgentConductor.Conductor.Secrets;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Conductor.Tests.Secrets;

/// <summary>The conductor's own log entries reach no provider with a secret in their message, values or exception.</summary>
public sealed class MaskingLoggerTests
{
    private const string ApiKey = "api-key-in-a-log-line-3fQ9";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Log_EntryCarryingTheApiKey_TheProviderSeesItMasked()
    {
        await using var host = await ConductorHost.StartAsync([$"--Api:Key={ApiKey}"], cancellationToken: Ct);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test.Masking");

        logger.LogWarning(new InvalidOperationException($"refused {ApiKey}"), "Request with {Header} failed", $"Bearer {ApiKey}");

        var entry = Assert.Single(host.Logs.Entries, e => e.Category == "Test.Masking");
        Assert.Equal("Request with Bearer *** failed", entry.Message);
        Assert.Contains("refused ***", entry.Exception, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), entry.Exception, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, host.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_StructuredValues_MaskedForExportersAndUntouchedWhenClean()
    {
        var secrets = new SecretRegistry([], TimeProvider.System);
        secrets.Register(ApiKey);
        var inner = new RecordingLogger();
        var logger = new MaskingLogger(inner, new Lazy<SecretRegistry>(secrets));
        var clean = new InvalidOperationException("nothing secret");

        UsedKey(logger, "job-1", ApiKey, clean);
        IsFine(logger, "job-2", clean);

        var (maskedState, maskedException) = inner.Entries[0];
        var values = Assert.IsType<IReadOnlyList<KeyValuePair<string, object?>>>(maskedState, exactMatch: false);
        Assert.Equal("***", values.Single(v => v.Key == "Key").Value);
        Assert.Equal("job-1", values.Single(v => v.Key == "JobId").Value);
        Assert.Equal("Job job-1 used ***", maskedState.ToString());
        Assert.Same(clean, maskedException);
        var (cleanState, _) = inner.Entries[1];
        Assert.IsNotType<MaskedLogState>(cleanState);
    }

    private static readonly Action<ILogger, string, string, Exception?> UsedKey =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1, "UsedKey"), "Job {JobId} used {Key}");

    private static readonly Action<ILogger, string, Exception?> IsFine =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(2, "IsFine"), "Job {JobId} is fine");

    private sealed class RecordingLogger : ILogger
    {
        public List<(object State, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((state!, exception));
    }
}
