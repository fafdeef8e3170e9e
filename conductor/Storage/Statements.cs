using System.Text;
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

    // Parameters are created on a command's first use and only re-valued afterwards: a hot loop allocates nothing here.
    private static SqliteCommand Bind(SqliteCommand command, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var existing = command.Parameters;
        if (existing.Count != parameters.Length)
        {
            existing.Clear();
            foreach (var (name, value) in parameters)
            {
                existing.AddWithValue(name, Value(command, name, value));
            }

            return command;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = existing[i];
            if (!string.Equals(parameter.ParameterName, parameters[i].Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Parameters of \"{command.CommandText}\" must be passed in the same order every time.");
            }

            parameter.Value = Value(command, parameters[i].Name, parameters[i].Value);
        }

        return command;
    }

    /// <summary>
    /// SQLitePCLRaw binds a string of more than 512 UTF-8 bytes as a NUL-terminated C string, so a NUL inside it cuts
    /// the stored text there. Such a string is bound as its UTF-8 bytes instead, and the SQL must turn them back into
    /// text with <c>CAST(@name AS TEXT)</c>, which keeps every byte: a statement without the cast would store a BLOB
    /// in a text column, so it is refused.
    /// </summary>
    private static object Value(SqliteCommand command, string name, object? value)
    {
        if (value is not string text || !text.Contains('\0'))
        {
            return value ?? DBNull.Value;
        }

        if (!command.CommandText.Contains($"CAST({name} AS TEXT)", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Parameter {name} holds a NUL character, which SQLite would cut at; write it as CAST({name} AS TEXT) in \"{command.CommandText}\".");
        }

        return Encoding.UTF8.GetBytes(text);
    }
}
