using System.Text.Json.Nodes;
using AgentConductor.Conductor.Replay;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Storage;

/// <summary>
/// Outside text is stored whole: a NUL character anywhere, in a short or a long string, raw in a body or escaped in JSON,
/// reaches every text column unchanged and as TEXT (SQLitePCLRaw cuts a bound string of over 512 bytes at its first NUL).
/// </summary>
public sealed class VerbatimTextTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly SchedulerHarness _harness = new();

    public static TheoryData<int, string> SizesAndPlaces()
    {
        var data = new TheoryData<int, string>();
        foreach (var size in new[] { 2, 100, 400, 600, 1000, 5000 })
        {
            foreach (var place in new[] { "start", "middle", "end" })
            {
                data.Add(size, place);
            }
        }

        return data;
    }

    public void Dispose() => _harness.Dispose();

    [Theory]
    [MemberData(nameof(SizesAndPlaces))]
    public async Task RawNulInABody_IsStoredWholeWithTheRejection(int size, string place)
    {
        var body = WithNul(new string('x', size), place);

        var result = await _harness.SendAsync("m1", body, T0);

        Assert.Equal("malformed_json", result.Messages[0].RejectReason);
        Assert.Equal(body, _harness.Scalar("SELECT body FROM events"));
        Assert.Equal(0L, _harness.Scalar("SELECT body_truncated FROM events"));
        AssertEveryTextColumnHoldsText();
    }

    [Theory]
    [MemberData(nameof(SizesAndPlaces))]
    public async Task EscapedNulInATicket_ReachesTheTicketColumnsWhole(int size, string place)
    {
        var summary = WithNul("before-nul" + new string('s', size), place);
        var ticket = SampleMessages.JiraWebhook("jira:issue_created", "PAY-1", summary, T0);
        ticket["issue"]!["fields"]!["description"] = summary + "\n" + summary;
        var body = ticket.ToJsonString();
        Assert.Contains("\\u0000", body, StringComparison.Ordinal);

        var result = await _harness.SendAsync("m1", body, T0);

        Assert.Single(result.Decisions);
        Assert.Equal(body, _harness.Scalar("SELECT body FROM events"));
        Assert.Equal(summary, _harness.Scalar("SELECT summary FROM tickets"));
        Assert.Equal(summary + "\n" + summary, _harness.Scalar("SELECT description FROM tickets"));
        AssertEveryTextColumnHoldsText();
    }

    [Fact]
    public async Task EscapedNulInAnUpdatedTicket_ReplacesTheStoredFieldsWhole()
    {
        await _harness.SendAsync("m1", Messages.TicketCreated("PAY-1", T0), T0);
        var summary = WithNul(new string('u', 900), "middle");

        await _harness.SendAsync("m2", Messages.TicketUpdated("PAY-1", T0.AddMinutes(1), summary), T0.AddMinutes(1));

        Assert.Equal(summary, _harness.Scalar("SELECT summary FROM tickets"));
        AssertEveryTextColumnHoldsText();
    }

    [Fact]
    public async Task EscapedNulInAnAlarm_ReachesTheAlarmColumnsWhole()
    {
        var reason = WithNul(new string('r', 800), "middle");
        var alarm = SampleMessages.EventBridgeAlarm("e1", "111122223333", WithNul("orders-api-5xx" + new string('n', 600), "end"), "ALARM", T0);
        alarm["detail"]!["state"]!["reason"] = reason;
        alarm["detail"]!["configuration"] = new JsonObject { ["description"] = reason + "!" };

        var result = await _harness.SendAsync("m1", alarm.ToJsonString(), T0);

        Assert.Single(result.Decisions);
        Assert.Equal(reason, _harness.Scalar("SELECT reason FROM alarms"));
        Assert.Equal(reason + "!", _harness.Scalar("SELECT description FROM alarms"));
        Assert.EndsWith("\0", (string)_harness.Scalar("SELECT alarm_name FROM alarms")!, StringComparison.Ordinal);
        AssertEveryTextColumnHoldsText();
    }

    [Fact]
    public void AStatementWithoutTheCast_RefusesANulInsteadOfStoringItWrong()
    {
        using var connection = _harness.Database.OpenConnection();
        using var db = new Statements(connection);
        db.Execute("CREATE TEMP TABLE t (v TEXT)");
        var text = WithNul(new string('v', 1000), "middle");

        var error = Assert.Throws<InvalidOperationException>(() => db.Execute("INSERT INTO temp.t VALUES (@v)", ("@v", text)));
        db.Execute("INSERT INTO temp.t VALUES (CAST(@v AS TEXT))", ("@v", text));

        Assert.Contains("CAST(@v AS TEXT)", error.Message, StringComparison.Ordinal);
        Assert.Equal(text, db.QueryString("SELECT v FROM temp.t"));
        Assert.Equal("text", db.QueryString("SELECT typeof(v) FROM temp.t"));
    }

    /// <summary>No text column of any table holds a BLOB: a write that bound a NUL string without its cast would.</summary>
    private void AssertEveryTextColumnHoldsText()
    {
        var blobs = new List<string>();
        foreach (var (table, column) in TextColumns())
        {
            if ((long)_harness.Scalar($"SELECT count(*) FROM \"{table}\" WHERE typeof(\"{column}\") = 'blob'")! > 0)
            {
                blobs.Add($"{table}.{column}");
            }
        }

        Assert.Empty(blobs);
    }

    private List<(string Table, string Column)> TextColumns()
    {
        using var connection = _harness.Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND upper(p.type) = 'TEXT'";
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.Contains(("tickets", "summary"), columns);
        return columns;
    }

    internal static string WithNul(string text, string place) => place switch
    {
        "start" => "\0" + text[1..],
        "middle" => text[..(text.Length / 2)] + "\0" + text[(text.Length / 2 + 1)..],
        "end" => text[..^1] + "\0",
        _ => throw new ArgumentOutOfRangeException(nameof(place), place, null),
    };
}
