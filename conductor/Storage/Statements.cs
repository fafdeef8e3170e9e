using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// Prepared commands kept for the life of one connection, so a hot loop binds and runs
/// instead of re-parsing SQL. Every command runs in the current <see cref="Transaction"/>.
/// </summary>
internal sealed class Statements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public SqliteTransaction? Transaction { get; set; }

    public SqliteCommand Prepare(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Bind(Prepare(sql), parameters).ExecuteNonQuery();

    public long? QueryLong(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var value = Bind(Prepare(sql), parameters).ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public string? QueryString(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Bind(Prepare(sql), parameters).ExecuteScalar() as string;

    public SqliteDataReader Query(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Bind(Prepare(sql), parameters).ExecuteReader();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    private static SqliteCommand Bind(SqliteCommand command, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
