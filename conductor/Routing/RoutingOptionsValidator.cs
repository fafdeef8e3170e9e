using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Routing;

internal sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Routes.Count; i++)
        {
            Check(options.Routes[i], $"Routing:Routes:{i}", errors);
        }

        if (options.Default is { } fallback)
        {
            Check(fallback, "Routing:Default", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(RepositoryRoute route, string path, List<string> errors)
    {
        if (!Uri.TryCreate(route.CloneUrl, UriKind.Absolute, out var url))
        {
            errors.Add($"{path}:CloneUrl must be an absolute URL (got '{route.CloneUrl}').");
        }
        else if (url.UserInfo.Length > 0)
        {
            errors.Add($"{path}:CloneUrl must not carry credentials; workers authenticate through a credential helper.");
        }

        if (string.IsNullOrWhiteSpace(route.BaseBranch))
        {
            errors.Add($"{path}:BaseBranch must not be empty.");
        }
    }
}
