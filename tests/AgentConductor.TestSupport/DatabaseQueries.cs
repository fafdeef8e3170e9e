using AgentConductor.Conductor.Storage;

namespace AgentConductor.TestSupport;

/// <summary>One-off reads of a conductor database for assertions, each on a connection of its own.</summary>
internal static class DatabaseQueries
{
    /// <summary>The first column of the first row; null for no row or SQL NULL.</summary>
    public static object? Scalar(this ConductorDatabase database, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }
}
