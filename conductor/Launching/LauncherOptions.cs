namespace AgentConductor.Conductor.Launching;

/// <summary>
/// <c>Launcher:Kind</c> picks what starts workers: <c>local</c> (child processes, the embedded default), <c>docker</c>
/// or <c>ecs</c>. It is read while services are registered (see <c>ConductorHostExtensions.AddLauncher</c>).
/// </summary>
internal static class LauncherOptions
{
    public const string Section = "Launcher";

    public const string Local = "local";

    public const string Docker = "docker";

    public const string Ecs = "ecs";

    public static readonly IReadOnlyList<string> Kinds = [Local, Docker, Ecs];
}
