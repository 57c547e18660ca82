using System.Globalization;
using System.Text.RegularExpressions;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>Reads one sample of a Prometheus text exposition by name and one label (the worker's <c>/metrics</c>).</summary>
public static partial class PrometheusSamples
{
    /// <summary>The value of <paramref name="name"/> whose <paramref name="label"/> is <paramref name="value"/>
    /// (summed over its other label sets), or null when there is none.</summary>
    public static double? Value(string exposition, string name, string label, string value)
    {
        double? sum = null;
        foreach (Match m in Sample().Matches(exposition))
        {
            if (m.Groups["name"].Value != name)
                continue;
            var labels = m.Groups["labels"].Value;
            if (!labels.Contains($"{label}=\"{value}\"", StringComparison.Ordinal))
                continue;
            sum = (sum ?? 0) + double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\}\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
