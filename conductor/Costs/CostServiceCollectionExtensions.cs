using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Costs;

internal static class CostServiceCollectionExtensions
{
    /// <summary>Prices and budgets (validated at startup, each problem named), what launches read them through, and the cost report.</summary>
    public static IServiceCollection AddCosts(this IServiceCollection services)
    {
        services.AddOptions<PriceOptions>().BindConfiguration(PriceOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PriceOptions>, PriceOptionsValidator>());
        services.AddOptions<BudgetOptions>().BindConfiguration(BudgetOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());
        services.TryAddSingleton<BudgetSettings>();
        services.TryAddSingleton<DailyBudgets>();
        services.TryAddSingleton<JobPricer>();
        services.TryAddSingleton<CostQueries>();
        return services;
    }
}
