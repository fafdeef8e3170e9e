using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>Which of some stored message ids were stored as rejected (read after the batch's commit).</summary>
internal sealed class RejectedMessageLookup(ConductorDatabase database)
{
    public HashSet<string> Find(IReadOnlyList<string> messageIds)
    {
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        if (messageIds.Count == 0)
        {
            return rejected;
        }

        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        var names = messageIds.Select((id, i) => command.Parameters.AddWithValue($"@m{i}", id).ParameterName).ToList();
        command.CommandText = $"SELECT message_id FROM events WHERE kind = 'rejected' AND message_id IN ({string.Join(", ", names)})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rejected.Add(reader.GetString(0));
        }

        return rejected;
    }
}
