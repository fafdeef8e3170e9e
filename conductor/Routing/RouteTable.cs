using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Routing;

/// <summary>Finds the route of a job: the first configured route whose criteria all match, else the default.</summary>
internal sealed class RouteTable(IOptions<RoutingOptions> options)
{
    public RepositoryRoute? Find(RouteSubject subject)
    {
        var routing = options.Value;
        return routing.Routes.FirstOrDefault(route => Matches(route, subject)) ?? routing.Default;
    }

    public static bool Matches(RepositoryRoute route, RouteSubject subject) =>
        Matches(route.Projects, subject.Project is null ? [] : [subject.Project])
        && Matches(route.Components, subject.Components)
        && Matches(route.Labels, subject.Labels)
        && Matches(route.Accounts, subject.Account is null ? [] : [subject.Account]);

    private static bool Matches(List<string> wanted, IReadOnlyList<string> actual) =>
        wanted.Count == 0 || actual.Any(value => wanted.Contains(value, StringComparer.OrdinalIgnoreCase));
}
