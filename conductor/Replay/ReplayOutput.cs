using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentConductor.Conductor.Replay;

/// <summary>Prints a replay's report: one JSON object (the format scripts rely on), or a table for people.</summary>
internal static class ReplayOutput
{
    public static string ToJson(ReplayReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteStartArray("decisions");
            foreach (var d in report.Decisions)
            {
                json.WriteStartObject();
                json.WriteString("at", Iso(d.At));
                json.WriteString("kind", d.Kind);
                json.WriteString("messageId", d.MessageId);
                WriteNullable(json, "ticketKey", d.TicketKey);
                WriteNullable(json, "account", d.Account);
                WriteNullable(json, "incidentId", d.IncidentId);
                WriteNullable(json, "pullRequest", d.PullRequest);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("incidents");
            foreach (var i in report.Incidents)
            {
                json.WriteStartObject();
                json.WriteNumber("incidentId", i.IncidentId);
                json.WriteString("account", i.Account);
                json.WriteNumber("alarms", i.Alarms);
                json.WriteString("firstAt", Iso(i.FirstAt));
                json.WriteString("lastAt", Iso(i.LastAt));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rejected");
            foreach (var r in report.Rejected)
            {
                json.WriteStartObject();
                json.WriteString("messageId", r.MessageId);
                json.WriteString("reason", r.Reason);
                json.WriteString("detail", r.Detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("deliveries");
            foreach (var d in report.Deliveries)
            {
                json.WriteStartObject();
                json.WriteString("messageId", d.MessageId);
                json.WriteString("delivery", d.DeliveryId);
                json.WriteString("event", d.Event);
                json.WriteString("outcome", d.Outcome);
                json.WriteString("reason", d.Reason);
                WriteNullable(json, "pullRequest", d.PullRequest);
                WriteNullable(json, "followUp", d.FollowUp);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string ToText(string name, ReplayReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{name}: {report.Decisions.Count} decisions, {report.Incidents.Count} incidents, {report.Rejected.Count} rejected, {report.Duplicates} duplicates");
        foreach (var d in report.Decisions)
        {
            var subject = d.Kind switch
            {
                "ticket" => d.TicketKey,
                "followup" => $"{d.PullRequest} ({d.TicketKey ?? "account " + d.Account})",
                _ => $"account {d.Account} incident {d.IncidentId}",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Iso(d.At),-24} {d.Kind,-8} {subject,-40} message {d.MessageId}");
        }

        if (report.Incidents.Count > 0)
        {
            text.AppendLine("incidents:");
            foreach (var i in report.Incidents)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  #{i.IncidentId,-5} account {i.Account}  {i.Alarms,4} alarms  {Iso(i.FirstAt)} .. {Iso(i.LastAt)}  ({i.ContextAlarms} context)");
            }
        }

        if (report.Deliveries.Count > 0)
        {
            text.AppendLine("GitHub deliveries:");
            foreach (var d in report.Deliveries)
            {
                var followUp = d.FollowUp is { } number ? $" follow-up {number}" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {d.DeliveryId,-38} {d.Event,-28} {d.Outcome,-8} {d.Reason}{followUp}");
            }
        }

        if (report.Rejected.Count > 0)
        {
            text.AppendLine("rejected:");
            foreach (var r in report.Rejected)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {r.MessageId,-40} {r.Reason}: {OneLine(r.Detail)}");
            }
        }

        return text.ToString();
    }

    /// <summary>The detail may quote the message: control characters do not reach the terminal.</summary>
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));

    public static string Iso(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString(instant.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
