using System.Text.RegularExpressions;

namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// Replaces <c>{{name}}</c> placeholders in one pass: substituted values are never scanned again, so a value that
/// contains <c>{{...}}</c> stays literal. Unknown placeholders are left as they are.
/// </summary>
internal static partial class TemplateRenderer
{
    /// <summary>Files with these extensions are rendered; any other file is copied byte for byte.</summary>
    private static readonly string[] RenderedExtensions = [".md", ".txt", ".markdown"];

    public static bool IsRendered(string path) =>
        RenderedExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public static string Render(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, match => values.TryGetValue(match.Groups["name"].Value, out var value) ? value : match.Value);

    [GeneratedRegex(@"\{\{\s*(?<name>[a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
