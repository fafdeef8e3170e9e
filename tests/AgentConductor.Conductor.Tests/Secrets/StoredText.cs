using System.Text;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Secrets;

/// <summary>Every text and blob value in every table of a conductor's database, as one string, to assert what is stored nowhere.</summary>
internal static class StoredText
{
    public static string Of(ConductorHost host)
    {
        var all = new StringBuilder();
        foreach (var table in host.Strings("SELECT name FROM sqlite_master WHERE type = 'table'"))
        {
            using var connection = host.Database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    all.Append(value switch
                    {
                        string text => text,
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        _ => "",
                    }).Append('\n');
                }
            }
        }

        return all.ToString();
    }
}
