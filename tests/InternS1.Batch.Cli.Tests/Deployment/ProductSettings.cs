using System.Reflection;
using InternS1.Batch.Cli.Tests.Architecture;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// The settings the product binds, found in its assemblies rather than in any deployment file: the options classes
/// (a <c>SectionName</c> constant) and the connection string names (constants named <c>*ConnectionStringName</c>).
/// An environment variable is a setting when the configuration binder, told to refuse unknown keys, binds it into
/// one of the options classes of its section (so the property exists and the value converts to its type).
/// </summary>
internal static class ProductSettings
{
    private static readonly Lazy<IReadOnlyList<Type>> ProductTypes = new(() => AssemblyReferences.Product.Keys
        .Select(name => Assembly.Load(new AssemblyName(name)))
        .SelectMany(a =>
        {
            try
            {
                return a.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                return ex.Types.OfType<Type>().ToArray();
            }
        }).ToList());

    // NOTE: GetRawConstantValue reads the literal from metadata: no static constructor runs (TorchSharp stays unloaded).
    private static IEnumerable<(Type Type, string Value)> Constants(Func<string, bool> name) => ProductTypes.Value
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(f => f.IsLiteral && name(f.Name) && f.FieldType == typeof(string))
            .Select(f => (t, (string)f.GetRawConstantValue()!)));

    /// <summary>The options classes bound from <paramref name="section"/>.</summary>
    public static IReadOnlyList<Type> OptionsOf(string section)
        => Constants(n => n == "SectionName").Where(c => string.Equals(c.Value, section, StringComparison.OrdinalIgnoreCase)).Select(c => c.Type).ToList();

    /// <summary>The names under <c>ConnectionStrings</c> the product reads.</summary>
    public static IReadOnlySet<string> ConnectionStringNames
        => Constants(n => n.EndsWith("ConnectionStringName", StringComparison.Ordinal)).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="variable"/> names a setting of the product (its own <c>INTERNS1_</c> prefix or
    /// <c>ConnectionStrings__</c>); other variables (PG*, a script's inputs) are not the product's.</summary>
    public static bool IsProductVariable(string variable)
        => variable.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
           || (variable.StartsWith(InternS1Host.EnvironmentPrefix, StringComparison.Ordinal) && variable.Contains("__", StringComparison.Ordinal));

    /// <summary>Null when the product binds <paramref name="variable"/> = <paramref name="value"/>, else why not.</summary>
    public static string? Problem(string variable, string value)
    {
        var key = (variable.StartsWith(InternS1Host.EnvironmentPrefix, StringComparison.Ordinal) ? variable[InternS1Host.EnvironmentPrefix.Length..] : variable)
            .Replace("__", ":", StringComparison.Ordinal);
        var section = key.Split(':')[0];
        if (section.Equals("ConnectionStrings", StringComparison.OrdinalIgnoreCase))
        {
            var name = key[(section.Length + 1)..];
            return ConnectionStringNames.Contains(name) ? null : $"{variable}: the product reads no connection string {name} (it reads {string.Join(", ", ConnectionStringNames.Order())})";
        }
        var types = OptionsOf(section);
        if (types.Count == 0)
            return $"{variable}: no options class of the product binds the section {section}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build().GetSection(section);
        var errors = new List<string>();
        foreach (var type in types)
        {
            try
            {
                configuration.Get(type, o => o.ErrorOnUnknownConfiguration = true);
                return null;
            }
            catch (InvalidOperationException ex)
            {
                errors.Add($"{type.Name}: {ex.Message}");
            }
        }
        return $"{variable}={value}: {string.Join("; ", errors)}";
    }

    /// <summary><typeparamref name="T"/> bound from <paramref name="environment"/> as the product binds its own variables.</summary>
    public static T Bind<T>(IReadOnlyDictionary<string, string> environment, string section) where T : new()
    {
        var pairs = environment.Where(e => e.Key.StartsWith(InternS1Host.EnvironmentPrefix, StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>(e.Key[InternS1Host.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e.Value));
        return new ConfigurationBuilder().AddInMemoryCollection(pairs).Build().GetSection(section).Get<T>() ?? new T();
    }
}
