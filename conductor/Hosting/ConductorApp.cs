using AgentConductor.Conductor.Api;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

/// <summary>Builds the conductor service: every registration and endpoint, the same for <c>run</c> and for tests.</summary>
internal static class ConductorApp
{
    public static WebApplication Build(string[] settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        builder.AddConductor();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseApiKey(app.Services.GetRequiredService<IOptions<ApiOptions>>().Value);
        app.MapHealth();
        app.MapEvents();
        app.MapStatus();
        return app;
    }
}
