namespace AgentConductor.Conductor.Routing;

/// <summary>What routes are matched against: a ticket's project, components and labels, or an incident's account.</summary>
internal sealed record RouteSubject(string? Project, IReadOnlyList<string> Components, IReadOnlyList<string> Labels, string? Account)
{
    public override string ToString() => Account is not null
        ? $"account {Account}"
        : $"project {Project}, components [{string.Join(", ", Components)}], labels [{string.Join(", ", Labels)}]";
}
