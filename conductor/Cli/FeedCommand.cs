using System.CommandLine;
using System.Net;
using AgentConductor.Conductor.Feed;

namespace AgentConductor.Conductor.Cli;

/// <summary>
/// <c>feed serve</c>: the Jira-to-SQS feed (Jira webhooks in, SQS messages out). <c>feed send FILE</c>: sends one Jira
/// issue or webhook body, for testing. Exit codes: 0 sent (or served until stopped), 1 skipped by a filter or SQS failed,
/// 2 bad usage or a body that is not a Jira issue.
/// </summary>
internal static class FeedCommand
{
    public const string SecretVariable = "JIRA_WEBHOOK_SECRET";
    public const string GitHubSecretVariable = "GITHUB_WEBHOOK_SECRET";
    private const int MinSecretLength = 16;

    public static Command Create()
    {
        var queueUrl = new Option<string>("--queue-url") { Description = "The intake queue's URL", Required = true };
        var serviceUrl = new Option<string?>("--service-url") { Description = "SQS endpoint override (a VPC endpoint or a local emulator)" };
        var region = new Option<string?>("--region") { Description = "AWS region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)" };
        var projects = new Option<string[]>("--project") { Description = "Send only issues of this Jira project (repeat for more)" };
        var labels = new Option<string[]>("--label") { Description = "Send only issues with this label (repeat: any of them)" };

        var listen = new Option<string>("--listen") { Description = "Address and port to listen on", DefaultValueFactory = _ => "127.0.0.1:5090" };
        var secretFile = new Option<string?>("--secret-file") { Description = $"File holding the webhook secret (default: ${SecretVariable})" };
        var allowPlain = new Option<bool>("--allow-plain-secret") { Description = "Also accept the secret itself in X-Feed-Secret or ?secret= (senders that cannot sign)" };
        var gitHubSecretFile = new Option<string?>("--github-secret-file")
        {
            Description = $"File holding the GitHub webhook's secret (default: ${GitHubSecretVariable}); with one, GitHub deliveries to /github/webhook are relayed too",
        };
        var serve = new Command("serve", "Receive Jira webhooks (and GitHub deliveries) and send them to SQS") { queueUrl, serviceUrl, region, projects, labels, listen, secretFile, allowPlain, gitHubSecretFile };
        serve.SetAction((parse, cancellationToken) => ServeAsync(
            Settings(parse, queueUrl, serviceUrl, projects, labels), parse.GetValue(region), parse.GetValue(listen)!, parse.GetValue(secretFile), parse.GetValue(allowPlain),
            parse.GetValue(gitHubSecretFile), cancellationToken));

        var file = new Argument<string>("file") { Description = "A Jira webhook or REST issue body (JSON); - reads standard input" };
        var key = new Option<string?>("--key") { Description = "Idempotency key (default: the SHA-256 of the body, as the local inbox uses)" };
        var send = new Command("send", "Send one Jira issue JSON file to SQS") { file, queueUrl, serviceUrl, region, projects, labels, key };
        send.SetAction((parse, cancellationToken) => SendAsync(
            Settings(parse, queueUrl, serviceUrl, projects, labels), parse.GetValue(region), parse.GetValue(file)!, parse.GetValue(key), cancellationToken));

        return new Command("feed", "The Jira-to-SQS feed") { serve, send };
    }

    private static JiraFeedSettings Settings(ParseResult parse, Option<string> queueUrl, Option<string?> serviceUrl, Option<string[]> projects, Option<string[]> labels) =>
        new(parse.GetValue(queueUrl)!, parse.GetValue(serviceUrl), parse.GetValue(projects) ?? [], parse.GetValue(labels) ?? []);

    private static async Task<int> ServeAsync(
        JiraFeedSettings settings, string? region, string listen, string? secretFile, bool allowPlainSecret, string? gitHubSecretFile, CancellationToken cancellationToken)
    {
        var problems = FeedSqsClient.Validate(region, settings.QueueUrl, settings.ServiceUrl);
        if (!IPEndPoint.TryParse(listen, out var endpoint) || endpoint.Port == 0 && !listen.EndsWith(":0", StringComparison.Ordinal))
        {
            problems.Add($"--listen must be an address and a port like 127.0.0.1:5090, not '{listen}'");
        }

        var secret = ReadSecret(secretFile, SecretVariable, "--secret-file", "the Jira webhook's Secret", required: true, problems);
        var gitHubSecret = ReadSecret(gitHubSecretFile, GitHubSecretVariable, "--github-secret-file", "the GitHub webhook's secret", required: gitHubSecretFile is not null, problems);
        if (problems.Count > 0)
        {
            return await FailAsync("feed serve", problems);
        }

        using var client = FeedSqsClient.Create(region, settings.ServiceUrl);
        await using var app = JiraFeedServer.Build(endpoint!, settings, new JiraWebhookAuth(secret!, allowPlainSecret), _ => client, gitHubSecret: gitHubSecret);
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    private static async Task<int> SendAsync(JiraFeedSettings settings, string? region, string file, string? key, CancellationToken cancellationToken)
    {
        var problems = FeedSqsClient.Validate(region, settings.QueueUrl, settings.ServiceUrl);
        if (problems.Count > 0)
        {
            return await FailAsync("feed send", problems);
        }

        string body;
        try
        {
            body = file == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync("feed send", [ex.Message]);
        }

        var decision = new JiraFeedFilter(settings).Evaluate(body);
        if (decision.Verdict == JiraFeedVerdict.Invalid)
        {
            return await FailAsync("feed send", [$"{file}: {decision.Reason}"]);
        }

        if (decision.Verdict == JiraFeedVerdict.Skip)
        {
            await Console.Out.WriteLineAsync($"skipped: {decision.Reason}");
            return ExitCodes.Failed;
        }

        using (var client = FeedSqsClient.Create(region, settings.ServiceUrl))
        {
            var idempotencyKey = key ?? JiraFeedPublisher.IdempotencyKey(null, body);
            try
            {
                var messageId = await new JiraFeedPublisher(client, settings).SendAsync(body, decision.Ticket!, idempotencyKey, cancellationToken);
                await Console.Out.WriteLineAsync($"sent {decision.Ticket!.Key} as message {messageId} (idempotency key {idempotencyKey})");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (FeedSqsClient.IsSendFailure(ex))
            {
                await Console.Error.WriteLineAsync($"feed send: could not send {decision.Ticket!.Key}: {ex.Message}");
                return ExitCodes.Failed;
            }
        }
    }

    /// <summary>
    /// A secret comes from a file or the environment, never the command line (other users can read that). An optional one
    /// that is absent is null; one that is given must be long enough.
    /// </summary>
    private static string? ReadSecret(string? secretFile, string variable, string option, string sameAs, bool required, List<string> problems)
    {
        string? secret;
        try
        {
            secret = secretFile is null ? Environment.GetEnvironmentVariable(variable) : File.ReadAllText(secretFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{option}: {ex.Message}");
            return null;
        }

        if (!required && string.IsNullOrEmpty(secret))
        {
            return null;
        }

        if (string.IsNullOrEmpty(secret) || secret.Length < MinSecretLength)
        {
            problems.Add($"the webhook secret ({(secretFile is null ? "$" + variable : option)}) must be set, at least {MinSecretLength} characters; use the same value as {sameAs}");
            return null;
        }

        return secret;
    }

    private static async Task<int> FailAsync(string command, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"{command}: {problem}");
        }

        return ExitCodes.InvalidInput;
    }
}
