using AgentConductor.Conductor.Aws;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Intake.Sqs;

internal static class SqsIntakeRegistration
{
    /// <summary>The SQS intake and the AWS pieces it needs, only when <c>Sqs:QueueUrl</c> is set: a local run needs no AWS settings.</summary>
    public static IHostApplicationBuilder AddSqsIntake(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{SqsIntakeOptions.Section}:{nameof(SqsIntakeOptions.QueueUrl)}"]))
        {
            return builder;
        }

        var services = builder.Services;
        ConductorHostExtensions.AddAws(services);
        services.AddOptions<SqsIntakeOptions>().BindConfiguration(SqsIntakeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqsIntakeOptions>, SqsIntakeOptionsValidator>());
        services.TryAddSingleton<ISqsClient>(sp => SqsClient.Create(
            sp.GetRequiredService<IOptions<AwsOptions>>().Value,
            sp.GetRequiredService<IAwsCredentials>(),
            sp.GetRequiredService<IOptions<SqsIntakeOptions>>().Value.ServiceUrl));
        services.TryAddSingleton<SqsIntakeStatus>();
        services.TryAddSingleton<RejectedMessageLookup>();
        services.TryAddSingleton<SqsPoller>();
        services.AddHostedService<SqsIntakeService>();
        return builder;
    }
}
