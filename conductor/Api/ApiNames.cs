using System.Text;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// One spelling for every named value the API shows, the one job states and results already use: lowercase words
/// joined by underscores (<c>no_changes</c>, <c>already_ended</c>, <c>max_active_per_account</c>, <c>running_agent</c>).
/// </summary>
internal static class ApiNames
{
    public static string Of<T>(T value)
        where T : struct, Enum => Snake(value.ToString());

    /// <summary><c>RunningAgent</c> -> <c>running_agent</c>; a name already in that spelling stays as it is.</summary>
    public static string Snake(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
