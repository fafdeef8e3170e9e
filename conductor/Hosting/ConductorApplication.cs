using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Dashboard;
using AgentConductor.Conductor.Notify;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Telemetry.Prometheus;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

/// <summary>Builds the conductor service: settings, services, listeners and endpoints. <c>run</c> and in-process tests share it.</summary>
internal static class ConductorApplication
{
    public static WebApplication Build(string[] settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        builder.AddConductor();
        builder.AddConductorListeners();
        configure?.Invoke(builder);
        builder.Services.AddSingleton(SettingsCheck.From(builder.Services));
        builder.Services.MaskResolvedAwsCredentials();
        var app = builder.Build();
        var scrape = app.Services.GetService<PrometheusEndpoint>();
        app.UseApiKey(app.Services.GetRequiredService<IOptions<ApiOptions>>().Value, scrape is null ? null : scrape.Matches);
        if (scrape is not null)
        {
            app.Use(scrape.InvokeAsync);
        }

        app.MapHealth();
        app.MapEvents();
        app.MapGitHubWebhook();
        app.MapStatus();
        app.MapCosts();
        app.MapLogs();
        app.MapDashboard();
        app.MapCancel();
        app.MapWorkerApi();
        app.MapNotifications();
        return app;
    }
}
