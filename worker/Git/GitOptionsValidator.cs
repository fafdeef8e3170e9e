using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>Checks <see cref="GitOptions"/> at startup and lists every problem at once.</summary>
internal sealed class GitOptionsValidator : IValidateOptions<GitOptions>
{
    public ValidateOptionsResult Validate(string? name, GitOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
