using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;

namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// What templates are filled with. Placeholder values are single neutralised lines; the ticket's or alarms' own text
/// only ever appears inside the <c>{{untrusted_data}}</c> fenced block, never in instruction text.
/// </summary>
internal static class TaskDocuments
{
    private const int MaxFieldChars = 32 * 1024;

    public static Dictionary<string, string> Placeholders(JobDetails job, string branch, RepositoryRoute route) => new(StringComparer.Ordinal)
    {
        ["job_id"] = job.JobId,
        ["kind"] = job.Kind,
        ["title"] = job.Title,
        ["ticket_key"] = UntrustedText.Inline(job.TicketKey),
        ["url"] = UntrustedText.Inline(job.Ticket?.Url, 500),
        ["account"] = UntrustedText.Inline(job.Account),
        ["incident_id"] = job.IncidentId?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["branch"] = branch,
        ["repository"] = route.CloneUrl,
        ["base_branch"] = route.BaseBranch,
        ["parent_job_id"] = job.FollowUp?.ParentJobId ?? "",
        ["followup_seq"] = job.FollowUp?.Sequence.ToString(CultureInfo.InvariantCulture) ?? "",
        ["pull_request_url"] = UntrustedText.Inline(job.FollowUp?.PullRequestUrl, 500),
        ["pull_request_number"] = job.FollowUp?.PullRequestNumber?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["comment_count"] = job.FollowUp?.Comments.Count.ToString(CultureInfo.InvariantCulture) ?? "",
        ["untrusted_data"] = UntrustedText.FencedBlock(Source(job), DataText(job)),
    };

    private static string Source(JobDetails job) => job.Kind switch
    {
        JobKinds.Ticket => $"the ticket {UntrustedText.Inline(job.TicketKey)}",
        JobKinds.FollowUp => "the pull request's reviews, comments and checks",
        _ => "the incident's alarms",
    };

    /// <summary>The ticket's, the alarms' or the follow-up's comments' fields as plain text, for the data block.</summary>
    public static string DataText(JobDetails job)
    {
        var text = new StringBuilder();
        if (job.FollowUp is { } followUp)
        {
            FollowUpText.Append(text, followUp, Cut);
        }
        else if (job.Ticket is { } ticket)
        {
            text.Append("Ticket: ").AppendLine(ticket.Key)
                .Append("Summary: ").AppendLine(Cut(ticket.Summary))
                .Append("Type: ").Append(ticket.IssueType).Append("; priority: ").Append(ticket.Priority).Append("; status: ").AppendLine(ticket.Status)
                .Append("Labels: ").AppendLine(string.Join(", ", ticket.Labels))
                .Append("Components: ").AppendLine(string.Join(", ", ticket.Components))
                .Append("URL: ").AppendLine(ticket.Url)
                .AppendLine()
                .AppendLine("Description:")
                .AppendLine(Cut(ticket.Description));
        }
        else if (!job.IsTicket)
        {
            text.Append("Account: ").AppendLine(job.Account).Append("Incident: ").AppendLine(job.IncidentId?.ToString(CultureInfo.InvariantCulture));
            foreach (var alarm in job.Alarms)
            {
                text.AppendLine()
                    .Append("Alarm: ").AppendLine(alarm.Name)
                    .Append("State: ").Append(alarm.State).Append(" at ").AppendLine(alarm.At.ToString("O", CultureInfo.InvariantCulture))
                    .Append("Region: ").AppendLine(alarm.Region)
                    .Append("Reason: ").AppendLine(Cut(alarm.Reason))
                    .Append("Description: ").AppendLine(Cut(alarm.Description));
            }
        }
        else
        {
            text.Append("Ticket: ").AppendLine(job.TicketKey).AppendLine("(no stored fields)");
        }

        return text.ToString();
    }

    /// <summary><c>job.json</c>: the job as data, for tools in the worker and for the agent to read.</summary>
    public static byte[] JobJson(JobDetails job, string branch, RepositoryRoute route)
    {
        var root = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["kind"] = job.Kind,
            ["title"] = job.Title,
            ["branch"] = branch,
            ["repositories"] = new JsonArray(new JsonObject { ["cloneUrl"] = route.CloneUrl, ["baseBranch"] = route.BaseBranch }),
        };
        if (job.Ticket is { } ticket)
        {
            root["ticket"] = new JsonObject
            {
                ["key"] = ticket.Key, ["project"] = ticket.ProjectKey, ["summary"] = ticket.Summary, ["description"] = Cut(ticket.Description),
                ["issueType"] = ticket.IssueType, ["priority"] = ticket.Priority, ["status"] = ticket.Status, ["url"] = ticket.Url,
                ["labels"] = new JsonArray([.. ticket.Labels.Select(l => (JsonNode?)l)]),
                ["components"] = new JsonArray([.. ticket.Components.Select(c => (JsonNode?)c)]),
            };
        }

        if (job.FollowUp is { } followUp)
        {
            root["followUp"] = FollowUpText.Json(followUp, Cut);
        }
        else if (!job.IsTicket)
        {
            root["incident"] = new JsonObject
            {
                ["id"] = job.IncidentId,
                ["account"] = job.Account,
                ["alarms"] = new JsonArray([.. job.Alarms.Select(a => (JsonNode?)new JsonObject
                {
                    ["name"] = a.Name, ["state"] = a.State, ["at"] = a.At.ToString("O", CultureInfo.InvariantCulture), ["region"] = a.Region,
                    ["arn"] = a.Arn, ["reason"] = Cut(a.Reason), ["description"] = Cut(a.Description),
                })]),
            };
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string Cut(string? text) =>
        text is null ? "" : text.Length <= MaxFieldChars ? text : string.Concat(text.AsSpan(0, MaxFieldChars), "\n[cut: the field is longer]");
}
