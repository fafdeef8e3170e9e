using System.Text.Encodings.Web;

namespace AgentConductor.Conductor.Archive;

internal static class ArchiveJson
{
    /// <summary>
    /// Archive files are read by people and tools, never embedded in HTML, so text keeps its quotes, '+', '&lt;' and
    /// non-ASCII letters as they are; control characters and '"' are still escaped as JSON requires.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
