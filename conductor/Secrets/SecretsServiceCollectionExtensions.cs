using AgentConductor.Conductor.Aws;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Secrets;

internal static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// The secret registry with the conductor's configured secrets, and masking of every log entry. A part with secrets
    /// of its own adds an <see cref="ISecretSource"/> with <see cref="AddSecretSource{TSource}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSecrets(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<SecretRegistry>();
        services.AddSecretSource<ConfiguredSecrets>();

        // The registry is resolved at the first log entry, not with the factory: a secret source may log, or need something that does.
        Decorate<ILoggerFactory>(services, (inner, sp) => new MaskingLoggerFactory(inner, new Lazy<SecretRegistry>(sp.GetRequiredService<SecretRegistry>)));
        return builder;
    }

    /// <summary>Adds a source of secrets read when the registry is first used. It must not depend on logging.</summary>
    public static IServiceCollection AddSecretSource<TSource>(this IServiceCollection services)
        where TSource : class, ISecretSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecretSource, TSource>());
        return services;
    }

    /// <summary>
    /// Registers the AWS credentials the conductor resolves as secrets. Called after every other registration (tests put
    /// their fixed credentials in last), so it wraps whichever source is in effect; without AWS it does nothing.
    /// </summary>
    public static IServiceCollection MaskResolvedAwsCredentials(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IAwsCredentials)))
        {
            Decorate<IAwsCredentials>(services, (inner, sp) => new MaskingAwsCredentials(inner, sp.GetRequiredService<SecretRegistry>()));
            services.AddHostedService<AwsCredentialsWarmup>();
        }

        return services;
    }

    /// <summary>Replaces the registration in effect for <typeparamref name="TService"/> with one that wraps what it made.</summary>
    private static void Decorate<TService>(IServiceCollection services, Func<TService, IServiceProvider, TService> wrap)
        where TService : class
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} is not registered.");
        services.Remove(descriptor);
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp => wrap(Create<TService>(descriptor, sp), sp), descriptor.Lifetime));
    }

    private static TService Create<TService>(ServiceDescriptor descriptor, IServiceProvider services)
        where TService : class => descriptor switch
        {
            { ImplementationInstance: TService instance } => instance,
            { ImplementationFactory: { } factory } => (TService)factory(services),
            { ImplementationType: { } type } when type == typeof(LoggerFactory) => (TService)(object)new LoggerFactory(
                services.GetServices<ILoggerProvider>(),
                services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                services.GetService<IOptions<LoggerFactoryOptions>>(),
                services.GetService<IExternalScopeProvider>()),
            { ImplementationType: { } type } => (TService)ActivatorUtilities.CreateInstance(services, type),
            _ => throw new InvalidOperationException($"Cannot decorate the registration of {typeof(TService).Name}."),
        };
}
