using System.Reflection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

/// <summary>
/// Checks every setting before the service starts and reports all problems at once: each value that does not convert to
/// its setting's type (the configuration binder stops at the first), then every validator's failures. The host's own
/// start-time validation would log each failure with a stack trace and name only the first conversion error.
/// </summary>
internal sealed class SettingsCheck(IReadOnlyList<(Type Type, string Section)> sections)
{
    /// <summary>The conductor's options types registered in <paramref name="services"/>, each with its <c>Section</c>.</summary>
    public static SettingsCheck From(IServiceCollection services)
    {
        var types = services
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IConfigureOptions<>) || t.GetGenericTypeDefinition() == typeof(IValidateOptions<>)))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.Assembly == typeof(SettingsCheck).Assembly)
            .Distinct()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(s => s.Section is not null)
            .Select(s => (s.Type, s.Section!))
            .ToList();
        return new SettingsCheck(types);
    }

    public IReadOnlyList<(Type Type, string Section)> Sections => sections;

    /// <summary>Throws <see cref="ConfigurationInvalidException"/> naming every offending setting.</summary>
    public void ThrowIfInvalid(IServiceProvider services, IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (type, section) in sections)
        {
            problems.AddRange(BindingProblems(services, configuration, type, section));
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems.Distinct(StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>
    /// Binds and validates the section once, as the service will use it; only when a value does not convert is the
    /// section bound again key by key, to name every such value. Binding costs a scan of every configuration key per
    /// list and per list element, so with thousands of routes each extra pass added tens of seconds to startup.
    /// </summary>
    private static IEnumerable<string> BindingProblems(IServiceProvider services, IConfiguration configuration, Type type, string section)
    {
        var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
        try
        {
            _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            return [];
        }
        catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException validation)
        {
            return validation.Failures;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException)
        {
            return ConversionProblems(configuration, type, section);
        }
    }

    /// <summary>Binds each value of the section on its own, so that every value that cannot convert is named.</summary>
    private static List<string> ConversionProblems(IConfiguration configuration, Type type, string section)
    {
        var problems = new List<string>();
        foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            var single = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build();
            try
            {
                single.GetSection(section).Get(type);
            }
            catch (InvalidOperationException ex)
            {
                // "Failed to convert configuration value 'x' at 'Section:Key' to type 'System.Int32'."
                problems.Add(ex.Message);
            }
        }

        return problems;
    }
}
