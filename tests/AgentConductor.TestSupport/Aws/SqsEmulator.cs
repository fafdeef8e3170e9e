using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// The real <c>local-aws-sqs</c> emulator (pinned in <c>tests/tools</c>, run by <c>tests/tools/sqs-emulator.js</c>) on
/// 127.0.0.1 and a free port. It speaks the SQS JSON protocol, FIFO queues and redrive to dead-letter queues; it does not
/// check signatures. Stopped on dispose, and it exits by itself when this process dies (its standard input closes).
/// </summary>
public sealed class SqsEmulator : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";
    public const string AccessKey = "AKIDLOCALSQS";
    public const string SecretKey = "local/sqs/secret/for/tests/only";

    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private SqsEmulator(Process process, Uri url, StringBuilder stderr)
    {
        _process = process;
        _stderr = stderr;
        Url = url;
        var settings = new AwsOptions { Region = Region, MaxAttempts = 2 };
        Client = SqsClient.Create(settings, Credentials, url.ToString());
        Sdk = new AmazonSQSClient(new SdkCredentials(Credentials), AwsSdkConfig.Create<AmazonSQSConfig>(settings, url.ToString()));
    }

    /// <summary>The endpoint (<c>Sqs:ServiceUrl</c>).</summary>
    public Uri Url { get; }

    /// <summary>What the emulator printed on stderr so far (for failure messages).</summary>
    public string Errors
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    internal static IAwsCredentials Credentials { get; } = new StaticAwsCredentials(AccessKey, SecretKey);

    /// <summary>The production SQS client, pointed at the emulator.</summary>
    internal SqsClient Client { get; }

    /// <summary>The SDK's own client, for what the conductor never does (creating queues).</summary>
    internal AmazonSQSClient Sdk { get; }

    /// <summary>Environment for a child conductor or feed process: credentials and region for the default chain.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
        // Keep the child from looking for a shared profile or an instance role.
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public static async Task<SqsEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var tools = Path.Combine(RepoPaths.Root, "tests", "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "local-aws-sqs")))
        {
            throw new InvalidOperationException($"tests/tools/node_modules/local-aws-sqs is missing: run `npm ci --prefix tests/tools` in {RepoPaths.Root}.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = tools,
        };
        start.ArgumentList.Add("sqs-emulator.js");
        start.ArgumentList.Add("--region");
        start.ArgumentList.Add(Region);
        start.ArgumentList.Add("--account");
        start.ArgumentList.Add(AccountId);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"sqs-emulator.js exited before listening: {stderr}");
            using var ready = JsonDocument.Parse(line);
            return new SqsEmulator(process, new Uri(ready.RootElement.GetProperty("url").GetString()!), stderr);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Creates a queue (a unique name per test keeps tests apart); <paramref name="attributes"/> as CreateQueue takes them.</summary>
    public async Task<string> CreateQueueAsync(string name, IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancellationToken = default)
    {
        var request = new CreateQueueRequest { QueueName = name, Attributes = attributes?.ToDictionary() ?? [] };
        var response = await Sdk.CreateQueueAsync(request, cancellationToken);
        return response.QueueUrl ?? throw new InvalidOperationException("CreateQueue answered without a QueueUrl.");
    }

    /// <summary>A standard queue whose messages move to a new dead-letter queue after <paramref name="maxReceiveCount"/> receives.</summary>
    public async Task<(string QueueUrl, string DeadLetterQueueUrl)> CreateQueueWithDeadLetterQueueAsync(string name, int maxReceiveCount, int visibilityTimeoutSeconds, CancellationToken cancellationToken = default)
    {
        var dlq = await CreateQueueAsync(name + "-dlq", cancellationToken: cancellationToken);
        var policy = JsonSerializer.Serialize(new { deadLetterTargetArn = $"arn:aws:sqs:{Region}:{AccountId}:{name}-dlq", maxReceiveCount });
        var queue = await CreateQueueAsync(
            name,
            new Dictionary<string, string> { ["RedrivePolicy"] = policy, ["VisibilityTimeout"] = visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            cancellationToken);
        return (queue, dlq);
    }

    /// <summary>Messages in the queue, visible or in flight (not delayed).</summary>
    /// <remarks>
    /// The emulator counts a message just sent as delayed until its next timer tick, even with no delay, so this waits
    /// (briefly) until nothing is delayed before counting.
    /// </remarks>
    public async Task<int> CountAsync(string queueUrl, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var attributes = await Client.GetQueueAttributesAsync(
                queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"], cancellationToken);
            if (Count(attributes, "ApproximateNumberOfMessagesDelayed") == 0 || DateTime.UtcNow > deadline)
            {
                return Count(attributes, "ApproximateNumberOfMessages") + Count(attributes, "ApproximateNumberOfMessagesNotVisible");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static int Count(IReadOnlyDictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public Task<string> SendAsync(string queueUrl, string body, CancellationToken cancellationToken = default) =>
        Client.SendAsync(queueUrl, new SqsOutgoingMessage(body), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Sdk.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
