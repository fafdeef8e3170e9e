using System.Globalization;
using System.Text.Json;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// Reads a scenario file (format in the README) and reports every problem at once, with its JSON path,
/// instead of stopping at the first.
/// </summary>
internal static class ScenarioLoader
{
    private static readonly string[] TopLevelKeys = ["name", "description", "options", "steps", "expect"];
    private static readonly string[] OptionKeys =
    [
        "chainWindow", "maxIncidentSpan", "allowedProjects", "requiredLabel", "maxBodyBytes", "batchSize",
        "webhookSecret", "followUpHandle", "coalesceWindow", "maxFollowUpsPerPullRequest", "followUpsOnFailedChecks", "followUpIgnoredLogins",
    ];

    private static readonly string[] StepKeys = ["at", "messageId", "body", "bodyBase64", "restart", "comment", "github", "pullRequest"];
    private static readonly string[] ExpectKeys = ["decisions", "incidents", "rejected", "jobs", "counts", "deliveries"];

    public static Scenario Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFormatException(path, [ex.Message]);
        }

        return Parse(text, path);
    }

    public static Scenario Parse(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException(path, [$"not valid JSON: {ex.Message}"]);
        }

        using (document)
        {
            var problems = new List<string>();
            var reader = new JsonFields(problems);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioFormatException(path, ["the file must hold one JSON object with \"steps\""]);
            }

            reader.RejectUnknown(root, "$", TopLevelKeys);
            var name = reader.String(root, "$", "name") ?? Path.GetFileNameWithoutExtension(path);
            var options = ReadOptions(root, reader);
            var steps = ReadSteps(root, reader, options);
            var expect = root.TryGetProperty("expect", out var e) ? ExpectationReader.Read(e, reader) : null;
            if (problems.Count > 0)
            {
                throw new ScenarioFormatException(path, problems);
            }

            return new Scenario(name, options, steps, expect);
        }
    }

    private static ScenarioOptions ReadOptions(JsonElement root, JsonFields reader)
    {
        if (!root.TryGetProperty("options", out var o))
        {
            return new ScenarioOptions(null, null, null, null, null, null);
        }

        if (o.ValueKind != JsonValueKind.Object)
        {
            reader.Problem("$.options must be an object");
            return new ScenarioOptions(null, null, null, null, null, null);
        }

        reader.RejectUnknown(o, "$.options", OptionKeys);
        return new ScenarioOptions(
            reader.Duration(o, "$.options", "chainWindow"),
            reader.Duration(o, "$.options", "maxIncidentSpan"),
            reader.StringList(o, "$.options", "allowedProjects"),
            reader.String(o, "$.options", "requiredLabel"),
            reader.PositiveInt(o, "$.options", "maxBodyBytes"),
            reader.PositiveInt(o, "$.options", "batchSize"))
        {
            WebhookSecret = reader.String(o, "$.options", "webhookSecret"),
            FollowUpHandle = reader.String(o, "$.options", "followUpHandle"),
            CoalesceWindow = reader.Duration(o, "$.options", "coalesceWindow", allowZero: true),
            MaxFollowUpsPerPullRequest = reader.PositiveInt(o, "$.options", "maxFollowUpsPerPullRequest"),
            FollowUpsOnFailedChecks = reader.Bool(o, "$.options", "followUpsOnFailedChecks"),
            FollowUpIgnoredLogins = reader.StringList(o, "$.options", "followUpIgnoredLogins"),
        };
    }

    private static List<ScenarioStep> ReadSteps(JsonElement root, JsonFields reader, ScenarioOptions options)
    {
        var steps = new List<ScenarioStep>();
        if (!root.TryGetProperty("steps", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            reader.Problem("$.steps must be an array of steps");
            return steps;
        }

        DateTimeOffset? previous = null;
        var index = 0;
        foreach (var step in array.EnumerateArray())
        {
            var at = $"$.steps[{index++}]";
            if (step.ValueKind != JsonValueKind.Object)
            {
                reader.Problem($"{at} must be an object");
                continue;
            }

            reader.RejectUnknown(step, at, StepKeys);
            var restart = step.TryGetProperty("restart", out var r) && r.ValueKind == JsonValueKind.True;
            var time = reader.Instant(step, at, "at", required: !restart) ?? previous ?? DateTimeOffset.UnixEpoch;
            if (previous is { } p && time < p)
            {
                reader.Problem($"{at}.at ({time:O}) is before the previous step ({p:O}): receive times never go backwards (alarm times inside bodies may)");
            }

            previous = time;
            if (restart)
            {
                steps.Add(new ScenarioStep(time, null, null, Restart: true));
                continue;
            }

            if (step.TryGetProperty("pullRequest", out var pullRequest))
            {
                foreach (var other in (string[])["messageId", "body", "bodyBase64", "github"])
                {
                    if (step.TryGetProperty(other, out _))
                    {
                        reader.Problem($"{at}.{other} does not go with pullRequest: a pullRequest step is not a message");
                    }
                }

                steps.Add(new ScenarioStep(time, null, null, Restart: false) { PullRequest = ScenarioGitHub.ReadPullRequest(pullRequest, $"{at}.pullRequest", reader) });
                continue;
            }

            if (step.TryGetProperty("github", out var github))
            {
                if (ScenarioGitHub.ReadDelivery(step, github, at, options.WebhookSecret, reader) is { } delivery)
                {
                    steps.Add(new ScenarioStep(time, delivery.MessageId, delivery.Body, Restart: false));
                }

                continue;
            }

            var messageId = reader.String(step, at, "messageId");
            if (string.IsNullOrEmpty(messageId))
            {
                reader.Problem($"{at}.messageId is required (a non-empty string)");
            }

            steps.Add(ReadBody(reader, step, at) is { } body
                ? new ScenarioStep(time, messageId, body.Text, Restart: false) { BodyBytes = body.Bytes }
                : new ScenarioStep(time, messageId, null, Restart: false));
        }

        return steps;
    }

    /// <summary>
    /// A step's body: <c>body</c> (a JSON value, or a string used verbatim) or <c>bodyBase64</c> (the exact bytes, for
    /// bodies that are not valid UTF-8), exactly one of them.
    /// </summary>
    internal static (string Text, byte[]? Bytes)? ReadBody(JsonFields reader, JsonElement step, string at)
    {
        var hasBody = step.TryGetProperty("body", out var b) && b.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
        var hasBytes = step.TryGetProperty("bodyBase64", out var b64) && b64.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
        if (hasBody == hasBytes)
        {
            reader.Problem(hasBody
                ? $"{at} has both body and bodyBase64: give one"
                : $"{at}.body is required (a JSON value, or a string used verbatim; or bodyBase64, the exact bytes in base64)");
            return null;
        }

        if (hasBody)
        {
            return (b.ValueKind == JsonValueKind.String ? b.GetString()! : b.GetRawText(), null);
        }

        if (b64.ValueKind != JsonValueKind.String || !TryFromBase64(b64.GetString()!, out var bytes))
        {
            reader.Problem($"{at}.bodyBase64 must be a base64 string");
            return null;
        }

        var message = InboundMessage.FromBytes("-", bytes, DateTimeOffset.UnixEpoch);
        return (message.Body, message.ReceivedBytes);
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    /// <summary>Typed reads that record a problem instead of throwing.</summary>
    internal sealed class JsonFields(List<string> problems)
    {
        public void Problem(string problem) => problems.Add(problem);

        public void RejectUnknown(JsonElement element, string at, string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (Array.IndexOf(known, property.Name) < 0)
                {
                    problems.Add($"{at}.{property.Name} is not a known field (known: {string.Join(", ", known)})");
                }
            }
        }

        public string? String(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{at}.{name} must be a string");
                return null;
            }

            return value.GetString();
        }

        public int? Int(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < 0)
            {
                problems.Add($"{at}.{name} must be a whole number of zero or more");
                return null;
            }

            return number;
        }

        public int? PositiveInt(JsonElement element, string at, string name)
        {
            var number = Int(element, at, name);
            if (number == 0)
            {
                problems.Add($"{at}.{name} must be at least 1");
                return null;
            }

            return number;
        }

        public TimeSpan? Duration(JsonElement element, string at, string name, bool allowZero = false)
        {
            var text = String(element, at, name);
            if (text is null)
            {
                return null;
            }

            if (!TimeSpan.TryParseExact(text, ["c", "g"], CultureInfo.InvariantCulture, out var duration) || duration < TimeSpan.Zero || (duration == TimeSpan.Zero && !allowZero))
            {
                problems.Add($"{at}.{name} must be a {(allowZero ? "" : "positive ")}duration like \"01:00:00\" or \"1.00:00:00\" (got \"{text}\")");
                return null;
            }

            return duration;
        }

        public bool? Bool(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add($"{at}.{name} must be true or false");
                return null;
            }

            return value.GetBoolean();
        }

        public DateTimeOffset? Instant(JsonElement element, string at, string name, bool required)
        {
            var text = String(element, at, name);
            if (text is null)
            {
                if (required)
                {
                    problems.Add($"{at}.{name} is required (an ISO 8601 time with an offset, e.g. 2026-11-02T14:00:00Z)");
                }

                return null;
            }

            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            {
                problems.Add($"{at}.{name} must be an ISO 8601 time (got \"{text}\")");
                return null;
            }

            return instant;
        }

        public List<string>? StringList(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                problems.Add($"{at}.{name} must be an array of strings");
                return null;
            }

            return value.EnumerateArray().Select(v => v.GetString()!).ToList();
        }
    }

    private static class ExpectationReader
    {
        public static ScenarioExpectation? Read(JsonElement expect, JsonFields reader)
        {
            if (expect.ValueKind != JsonValueKind.Object)
            {
                reader.Problem("$.expect must be an object");
                return null;
            }

            reader.RejectUnknown(expect, "$.expect", ExpectKeys);
            return new ScenarioExpectation(
                List(expect, "decisions", reader, (e, at) =>
                {
                    reader.RejectUnknown(e, at, ["kind", "messageId", "ticketKey", "account", "at", "incidentId", "pullRequest"]);
                    var kind = reader.String(e, at, "kind");
                    if (kind is not null and not "ticket" and not "incident" and not "followup")
                    {
                        reader.Problem($"{at}.kind must be \"ticket\", \"incident\" or \"followup\"");
                    }

                    return new ExpectedDecision(kind, reader.String(e, at, "messageId"), reader.String(e, at, "ticketKey"), reader.String(e, at, "account"), reader.Instant(e, at, "at", required: false))
                    {
                        PullRequest = reader.String(e, at, "pullRequest"),
                    };
                }),
                List(expect, "incidents", reader, (e, at) =>
                {
                    reader.RejectUnknown(e, at, ["account", "alarms", "firstAt", "lastAt", "contextAlarms", "incidentId"]);
                    return new ExpectedIncident(reader.String(e, at, "account"), reader.Int(e, at, "alarms"), reader.Instant(e, at, "firstAt", false), reader.Instant(e, at, "lastAt", false), reader.Int(e, at, "contextAlarms"));
                }),
                List(expect, "rejected", reader, (e, at) =>
                {
                    if (e.ValueKind == JsonValueKind.String)
                    {
                        return new ExpectedRejection(e.GetString()!, null);
                    }

                    reader.RejectUnknown(e, at, ["messageId", "reason"]);
                    var id = reader.String(e, at, "messageId");
                    if (id is null)
                    {
                        reader.Problem($"{at} must be a message id or {{\"messageId\", \"reason\"}}");
                    }

                    return new ExpectedRejection(id ?? "", reader.String(e, at, "reason"));
                }, allowStrings: true),
                List(expect, "jobs", reader, (e, at) =>
                {
                    reader.RejectUnknown(e, at, ["kind", "ticketKey", "account", "state", "pullRequest", "sequence", "comments"]);
                    return new ExpectedJob(reader.String(e, at, "kind"), reader.String(e, at, "ticketKey"), reader.String(e, at, "account"), reader.String(e, at, "state"))
                    {
                        PullRequest = reader.String(e, at, "pullRequest"),
                        Sequence = reader.Int(e, at, "sequence"),
                        Comments = reader.Int(e, at, "comments"),
                    };
                }),
                ReadCounts(expect, reader))
            {
                Deliveries = List(expect, "deliveries", reader, (e, at) =>
                {
                    reader.RejectUnknown(e, at, ["delivery", "messageId", "event", "outcome", "reason", "followUp"]);
                    var outcome = reader.String(e, at, "outcome");
                    if (outcome is not null and not FollowUpOutcomes.Trigger and not FollowUpOutcomes.Held and not FollowUpOutcomes.Ignored)
                    {
                        reader.Problem($"{at}.outcome must be \"trigger\", \"held\" or \"ignored\"");
                    }

                    return new ExpectedDelivery(
                        reader.String(e, at, "delivery"), reader.String(e, at, "messageId"), reader.String(e, at, "event"), outcome,
                        reader.String(e, at, "reason"), reader.Int(e, at, "followUp"));
                }),
            };
        }

        private static ExpectedCounts? ReadCounts(JsonElement expect, JsonFields reader)
        {
            if (!expect.TryGetProperty("counts", out var c))
            {
                return null;
            }

            if (c.ValueKind != JsonValueKind.Object)
            {
                reader.Problem("$.expect.counts must be an object");
                return null;
            }

            reader.RejectUnknown(c, "$.expect.counts", ["decisions", "incidents", "rejected", "duplicates"]);
            return new ExpectedCounts(reader.Int(c, "$.expect.counts", "decisions"), reader.Int(c, "$.expect.counts", "incidents"), reader.Int(c, "$.expect.counts", "rejected"), reader.Int(c, "$.expect.counts", "duplicates"));
        }

        private static List<T>? List<T>(JsonElement expect, string name, JsonFields reader, Func<JsonElement, string, T> read, bool allowStrings = false)
        {
            if (!expect.TryGetProperty(name, out var array))
            {
                return null;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                reader.Problem($"$.expect.{name} must be an array");
                return null;
            }

            var items = new List<T>();
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var at = $"$.expect.{name}[{index++}]";
                if (item.ValueKind != JsonValueKind.Object && !(allowStrings && item.ValueKind == JsonValueKind.String))
                {
                    reader.Problem($"{at} must be an object");
                    continue;
                }

                items.Add(read(item, at));
            }

            return items;
        }
    }
}
