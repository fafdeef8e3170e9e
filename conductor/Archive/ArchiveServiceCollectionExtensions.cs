using AgentConductor.Conductor.Aws;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Archive;

internal static class ArchiveServiceCollectionExtensions
{
    /// <summary>
    /// The S3 archive, only when <c>Archive:Bucket</c> is set: nothing else of it is registered (or validated) otherwise.
    /// The region falls back to <c>Aws:Region</c> and the AWS environment variables.
    /// </summary>
    public static IHostApplicationBuilder AddArchive(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{ArchiveOptions.Section}:Bucket"]))
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<ArchiveOptions>()
            .BindConfiguration(ArchiveOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.Region = AwsOptions.RegionFrom(options.Region, configuration[$"{AwsOptions.Section}:{nameof(AwsOptions.Region)}"]))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArchiveOptions>, ArchiveOptionsValidator>());
        services.TryAddSingleton<IAwsCredentials, DefaultAwsCredentials>();
        services.TryAddSingleton<IArchiveStorage, S3ArchiveStorage>();
        services.TryAddSingleton<ArchiveQueue>();
        services.TryAddSingleton<JobArchiver>();
        services.AddHostedService<ArchiveService>();
        return builder;
    }
}
