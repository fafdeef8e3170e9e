using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// Keeps each account's incidents equal to <see cref="IncidentSegmenter"/> applied to all of its ALARM
/// transitions, one alarm at a time. An alarm that lands inside an incident, extends the newest one or
/// starts an isolated one is placed with a few indexed look-ups. An alarm that arrives out of order (before a
/// chain's first alarm, between two incidents, or bridging two chains) re-groups the affected chain: incidents
/// keep their ids where they can, a new group opens a new incident (and job), and an incident absorbed into an
/// earlier one is marked merged, its job cancelled if it has not been launched.
/// OK and INSUFFICIENT_DATA are stored as context of the incident whose time range (plus the window) covers them.
/// </summary>
internal sealed class IncidentChainer(SchedulerOptions options, Statements db, JobWriter jobs)
{
    private long WindowMs => (long)options.ChainWindow.TotalMilliseconds;

    private long SpanMs => (long)options.MaxIncidentSpan.TotalMilliseconds;

    public string Apply(AlarmMessage alarm, long eventId, long alarmAt, InboundMessage message, List<Decision> decisions, List<string> cancelled)
    {
        var state = AlarmStates.ToName(alarm.State);
        if (alarm.State != AlarmState.Alarm)
        {
            var incident = InsertAlarm(alarm, eventId, alarmAt, CoveringIncidentSql);
            return incident is { } id
                ? $"{state} {alarm.AlarmName}: context of incident {id}"
                : $"{state} {alarm.AlarmName}: stored, no open incident in account {alarm.Account}";
        }

        return PlaceMember(alarm, eventId, alarmAt, message, decisions, cancelled);
    }

    private string PlaceMember(AlarmMessage alarm, long eventId, long t, InboundMessage message, List<Decision> decisions, List<string> cancelled)
    {
        var (left, right) = Neighbours(alarm.Account, t);
        if (left is { } inside && t <= inside.Last)
        {
            db.Execute("UPDATE incidents SET alarm_count = alarm_count + 1 WHERE id = @id", ("@id", inside.Id));
            InsertAlarm(alarm, eventId, t, inside.Id);
            return $"ALARM {alarm.AlarmName}: joined incident {inside.Id}";
        }

        if (right is null)
        {
            if (left is { } newest && t - newest.First <= SpanMs)
            {
                db.Execute("UPDATE incidents SET last_alarm_at = @t, alarm_count = alarm_count + 1 WHERE id = @id", ("@t", t), ("@id", newest.Id));
                InsertAlarm(alarm, eventId, t, newest.Id);
                ReattachContext(alarm.Account, newest.Last + WindowMs + 1, t + WindowMs);
                return $"ALARM {alarm.AlarmName}: joined incident {newest.Id}";
            }

            var opened = Open(alarm.Account, t, t, 1, eventId, message, decisions);
            InsertAlarm(alarm, eventId, t, opened);
            ReattachContext(alarm.Account, t, t + WindowMs);
            return left is null
                ? $"ALARM {alarm.AlarmName}: opened incident {opened}"
                : $"ALARM {alarm.AlarmName}: opened incident {opened} (incident {left.Id} reached its maximum span)";
        }

        InsertAlarm(alarm, eventId, t, incidentId: null);
        return Regroup(alarm, left?.First ?? t, t, eventId, message, decisions, cancelled);
    }

    /// <summary>The live incidents whose range, widened by the window, covers <paramref name="t"/>: the latest starting at or before it, and the earliest after it.</summary>
    private (IncidentRange? Left, IncidentRange? Right) Neighbours(string account, long t)
    {
        IncidentRange? left = null;
        IncidentRange? right = null;
        using var reader = db.Query(
            """
            SELECT id, first_alarm_at, last_alarm_at FROM incidents
            WHERE account = @account AND merged_into IS NULL
              AND first_alarm_at BETWEEN @low AND @high AND last_alarm_at >= @reach
            ORDER BY first_alarm_at
            """,
            ("@account", account), ("@low", t - WindowMs - SpanMs), ("@high", t + WindowMs), ("@reach", t - WindowMs));
        while (reader.Read())
        {
            var range = new IncidentRange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (range.First <= t)
            {
                left = range;
            }
            else
            {
                right ??= range;
            }
        }

        return (left, right);
    }

    private string Regroup(AlarmMessage alarm, long from, long t, long eventId, InboundMessage message, List<Decision> decisions, List<string> cancelled)
    {
        var members = LoadChain(alarm.Account, from, t);
        var times = members.ConvertAll(m => m.At);
        var claimed = new HashSet<long>();
        var movedTo = new Dictionary<long, long>();
        var opened = new List<long>();
        foreach (var (start, count) in IncidentSegmenter.Segment(times, WindowMs, SpanMs))
        {
            var group = members.GetRange(start, count);
            var keep = group.Where(m => m.Incident is not null).Select(m => m.Incident!.Value).Distinct().Order()
                .Cast<long?>().FirstOrDefault(id => !claimed.Contains(id!.Value));
            long id;
            if (keep is { } existing)
            {
                id = existing;
                db.Execute(
                    "UPDATE incidents SET first_alarm_at = @first, last_alarm_at = @last, alarm_count = @count WHERE id = @id",
                    ("@first", group[0].At), ("@last", group[^1].At), ("@count", count), ("@id", id));
            }
            else
            {
                id = Open(alarm.Account, group[0].At, group[^1].At, count, eventId, message, decisions);
                opened.Add(id);
            }

            claimed.Add(id);
            foreach (var member in group.Where(m => m.Incident != id))
            {
                if (member.Incident is { } previous)
                {
                    movedTo.TryAdd(previous, id);
                }

                SetIncident(member.EventId, id);
            }
        }

        var merged = new List<long>();
        foreach (var (absorbed, into) in movedTo.Where(p => !claimed.Contains(p.Key)))
        {
            db.Execute("UPDATE incidents SET merged_into = @into WHERE id = @id", ("@into", into), ("@id", absorbed));
            merged.Add(absorbed);
            var jobId = db.QueryString("SELECT id FROM jobs WHERE incident_id = @id", ("@id", absorbed));
            if (jobId is not null
                && jobs.TryMove(jobId, JobState.Pending, JobState.Cancelled, $"incident {absorbed} merged into incident {into} by a late alarm", message.ReceivedAt, eventId))
            {
                cancelled.Add(jobId);
            }
        }

        ReattachContext(alarm.Account, from, times[^1] + WindowMs);
        var home = db.QueryLong("SELECT incident_id FROM alarms WHERE event_id = @event", ("@event", eventId));
        var summary = $"ALARM {alarm.AlarmName}: arrived out of order, regrouped {members.Count} alarms; in incident {home}";
        if (opened.Count > 0)
        {
            summary += $"; opened {string.Join(", ", opened)}";
        }

        return merged.Count > 0 ? summary + $"; merged {string.Join(", ", merged)}" : summary;
    }

    /// <summary>The ALARM members from <paramref name="from"/> to the end of the chain holding <paramref name="t"/>, in time order.</summary>
    private List<ChainMember> LoadChain(string account, long from, long t)
    {
        var members = new List<ChainMember>();
        using var reader = db.Query(
            "SELECT event_id, alarm_at, incident_id FROM alarms WHERE account = @account AND state = 'ALARM' AND alarm_at >= @from ORDER BY alarm_at, event_id",
            ("@account", account), ("@from", from));
        while (reader.Read())
        {
            var at = reader.GetInt64(1);
            if (members.Count > 0 && members[^1].At >= t && at - members[^1].At > WindowMs)
            {
                break;
            }

            members.Add(new ChainMember(reader.GetInt64(0), at, reader.GetInt64OrNull(2)));
        }

        return members;
    }

    private long Open(string account, long first, long last, int count, long eventId, InboundMessage message, List<Decision> decisions)
    {
        var id = db.QueryLong(
            """
            INSERT INTO incidents (account, first_alarm_at, last_alarm_at, alarm_count, opened_at, opened_by_event_id)
            VALUES (@account, @first, @last, @count, @opened, @event) RETURNING id
            """,
            ("@account", account), ("@first", first), ("@last", last), ("@count", count),
            ("@opened", UnixTime.ToMs(message.ReceivedAt)), ("@event", eventId))!.Value;
        var jobId = jobs.CreatePending(JobSeed.ForIncident(id, account), eventId, message.ReceivedAt);
        decisions.Add(new Decision(DecisionKind.Incident, message.ReceivedAt, message.MessageId, jobId, null, account, id));
        return id;
    }

    /// <summary>The live incident whose range, widened by the window, covers <c>@at</c> (the latest starting first).</summary>
    private const string CoveringIncidentSql = """
        (SELECT i.id FROM incidents i
         WHERE i.account = @account AND i.merged_into IS NULL
           AND i.first_alarm_at <= @at AND i.first_alarm_at >= @at - @window - @span
           AND i.last_alarm_at + @window >= @at
         ORDER BY i.first_alarm_at DESC LIMIT 1)
        """;

    private void InsertAlarm(AlarmMessage alarm, long eventId, long at, long? incidentId) =>
        InsertAlarm(alarm, eventId, at, "@incident", ("@incident", incidentId));

    private long? InsertAlarm(AlarmMessage alarm, long eventId, long at, string incidentSql, params ReadOnlySpan<(string Name, object? Value)> extra)
    {
        (string, object?)[] values =
        [
            ("@event", eventId), ("@account", alarm.Account), ("@name", alarm.AlarmName), ("@state", AlarmStates.ToName(alarm.State)),
            ("@previous", alarm.PreviousState is { } p ? AlarmStates.ToName(p) : null), ("@reason", alarm.Reason),
            ("@description", alarm.Description), ("@region", alarm.Region), ("@arn", alarm.AlarmArn), ("@at", at),
            ("@window", WindowMs), ("@span", SpanMs), .. extra,
        ];
        return db.QueryLong(
            $"""
            INSERT INTO alarms (event_id, account, alarm_name, state, previous_state, reason, description, region, alarm_arn, alarm_at, incident_id)
            VALUES (@event, @account, CAST(@name AS TEXT), @state, @previous, CAST(@reason AS TEXT), CAST(@description AS TEXT),
                    CAST(@region AS TEXT), CAST(@arn AS TEXT), @at, {incidentSql})
            RETURNING incident_id
            """,
            values);
    }

    private void SetIncident(long eventId, long incidentId) =>
        db.Execute("UPDATE alarms SET incident_id = @incident WHERE event_id = @event", ("@incident", incidentId), ("@event", eventId));

    /// <summary>Points every context alarm of the account between the two times at the incident that covers it now.</summary>
    private void ReattachContext(string account, long from, long to) =>
        db.Execute(
            """
            UPDATE alarms SET incident_id = (
                SELECT i.id FROM incidents i
                WHERE i.account = alarms.account AND i.merged_into IS NULL
                  AND i.first_alarm_at <= alarms.alarm_at AND i.first_alarm_at >= alarms.alarm_at - @window - @span
                  AND i.last_alarm_at + @window >= alarms.alarm_at
                ORDER BY i.first_alarm_at DESC LIMIT 1)
            WHERE account = @account AND state <> 'ALARM' AND alarm_at BETWEEN @from AND @to
            """,
            ("@window", WindowMs), ("@span", SpanMs), ("@account", account), ("@from", from), ("@to", to));

    private sealed record IncidentRange(long Id, long First, long Last);

    private sealed record ChainMember(long EventId, long At, long? Incident);
}
