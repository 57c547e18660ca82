using System.Globalization;

namespace InternS1.Batch.Remote.Health;

/// <summary>Reads gauges out of the Prometheus text exposition format (<c>name{labels} value [timestamp]</c>).</summary>
internal static class PrometheusText
{
    /// <summary>The sum of every sample of <paramref name="name"/> (over all label sets), or null when
    /// there is none.</summary>
    public static double? Sum(string text, string name)
    {
        double? sum = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
                continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ' && rest[0] != '\t'))
                continue; // a longer name with this prefix (e.g. _total, _bucket)
            if (rest[0] == '{')
            {
                var close = LabelsEnd(rest);
                if (close < 0)
                    continue;
                rest = rest[(close + 1)..];
            }
            var fields = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                sum = (sum ?? 0) + value;
        }
        return sum;
    }

    /// <summary>The index of the <c>}</c> that closes the label set, skipping quoted label values.</summary>
    private static int LabelsEnd(string rest)
    {
        var quoted = false;
        for (var i = 1; i < rest.Length; i++)
        {
            var c = rest[i];
            if (quoted && c == '\\')
                i++;
            else if (c == '"')
                quoted = !quoted;
            else if (c == '}' && !quoted)
                return i;
        }
        return -1;
    }
}
