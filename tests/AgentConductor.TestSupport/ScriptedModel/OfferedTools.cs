using System.Text.Json;

namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>The tools a Responses API request offers, as the scripted model needs to know them.</summary>
internal sealed record OfferedTools(ToolMode Mode, bool ExecCommand, bool ApplyPatch, string? ApplyPatchToolType)
{
    public static OfferedTools Read(JsonElement body)
    {
        var all = new List<JsonElement>();
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            Flatten(tools, all);
        }

        if (body.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in input.EnumerateArray().Where(i => Text(i, "type") == "additional_tools"))
            {
                if (item.TryGetProperty("tools", out var additional) && additional.ValueKind == JsonValueKind.Array)
                {
                    Flatten(additional, all);
                }
            }
        }

        // Code mode: one custom tool "exec"; its description declares the nested tools it can call.
        if (all.FirstOrDefault(t => Text(t, "type") == "custom" && Text(t, "name") == "exec") is { ValueKind: JsonValueKind.Object } exec)
        {
            var declared = Text(exec, "description") ?? "";
            return new OfferedTools(
                ToolMode.CodeMode, declared.Contains("exec_command(", StringComparison.Ordinal), declared.Contains("apply_patch(", StringComparison.Ordinal), "exec");
        }

        var execCommand = all.Any(t => Text(t, "type") == "function" && Text(t, "name") == "exec_command");
        var applyPatch = all.FirstOrDefault(t => Text(t, "name") == "apply_patch" && Text(t, "type") is "function" or "custom");
        var mode = execCommand || applyPatch.ValueKind == JsonValueKind.Object ? ToolMode.FunctionTools : ToolMode.None;
        return new OfferedTools(mode, execCommand, applyPatch.ValueKind == JsonValueKind.Object, applyPatch.ValueKind == JsonValueKind.Object ? Text(applyPatch, "type") : null);
    }

    private static void Flatten(JsonElement tools, List<JsonElement> into)
    {
        foreach (var tool in tools.EnumerateArray())
        {
            if (Text(tool, "type") == "namespace" && tool.TryGetProperty("tools", out var nested) && nested.ValueKind == JsonValueKind.Array)
            {
                Flatten(nested, into);
            }
            else
            {
                into.Add(tool);
            }
        }
    }

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
