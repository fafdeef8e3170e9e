using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// The scenario steps for follow-ups. A <c>github</c> step is a delivery as the webhook endpoint stores it: its
/// <c>body</c> is the payload, signed at load time with the scenario's <c>webhookSecret</c> (<c>"signature": "valid"</c>,
/// the default), sent without a signature (<c>"none"</c>) or with the header value given. Its message id defaults to the
/// key the endpoint would give it. A <c>pullRequest</c> step records what a worker reported for a job.
/// </summary>
internal static class ScenarioGitHub
{
    public const string ValidSignature = "valid";
    public const string NoSignature = "none";

    public static (string MessageId, string Body)? ReadDelivery(JsonElement step, JsonElement github, string at, string? secret, ScenarioLoader.JsonFields reader)
    {
        var path = $"{at}.github";
        if (github.ValueKind != JsonValueKind.Object)
        {
            reader.Problem($"{path} must be an object with event, delivery and signature");
            return null;
        }

        reader.RejectUnknown(github, path, ["event", "delivery", "signature"]);
        var gitHubEvent = reader.String(github, path, "event");
        var delivery = reader.String(github, path, "delivery");
        var signature = reader.String(github, path, "signature") ?? ValidSignature;
        if (ScenarioLoader.ReadBody(reader, step, at) is not { } body)
        {
            return null;
        }

        var bytes = body.Bytes ?? Encoding.UTF8.GetBytes(body.Text);
        string? header;
        switch (signature)
        {
            case ValidSignature when secret is null:
                reader.Problem($"{path}.signature is \"{ValidSignature}\" but $.options.webhookSecret is not set");
                return null;
            case ValidSignature:
                header = GitHubSignature.Sign(secret, bytes);
                break;
            case NoSignature:
                header = null;
                break;
            default:
                header = signature;
                break;
        }

        var envelope = new GitHubEnvelope(gitHubEvent, delivery, header, bytes);
        var json = envelope.ToJson();
        var messageId = reader.String(step, at, "messageId") ?? GitHubDeliveryKey.For(envelope, json, secret);
        return (messageId, Encoding.UTF8.GetString(json));
    }

    public static ReplayedPullRequest? ReadPullRequest(JsonElement element, string path, ScenarioLoader.JsonFields reader)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            reader.Problem($"{path} must be an object with url, branch and ticketKey or decidedBy");
            return null;
        }

        reader.RejectUnknown(element, path, ["ticketKey", "decidedBy", "url", "branch"]);
        var ticketKey = reader.String(element, path, "ticketKey");
        var decidedBy = reader.String(element, path, "decidedBy");
        var url = reader.String(element, path, "url");
        var branch = reader.String(element, path, "branch");
        if ((ticketKey is null) == (decidedBy is null))
        {
            reader.Problem($"{path} names its job by ticketKey or by decidedBy (the message that created it): give one");
        }

        if (PullRequestUrls.Parse(url) is null)
        {
            reader.Problem($"{path}.url must be a pull request's web URL like https://github.com/acme/pay/pull/7");
        }

        if (branch is null || !branch.StartsWith("agent/", StringComparison.Ordinal))
        {
            reader.Problem($"{path}.branch must be the job's branch, agent/<job-id>/<slug>");
        }

        return url is null || branch is null ? null : new ReplayedPullRequest(ticketKey, decidedBy, url, branch);
    }
}
