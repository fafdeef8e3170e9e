using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.TaskFiles;

internal sealed class TaskFileOptionsValidator : IValidateOptions<TaskFileOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskFileOptions options)
    {
        var errors = new List<string>();
        var templates = options.ResolvedTemplateFolder;
        foreach (var kind in Jobs.JobKinds.All)
        {
            if (!Directory.Exists(Path.Combine(templates, kind)))
            {
                errors.Add($"TaskFiles:TemplateFolder '{templates}' has no '{kind}' folder.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.WorkFolder))
        {
            errors.Add("TaskFiles:WorkFolder must not be empty.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
