using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using InternS1.Batch.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace InternS1.Batch.Cli.Tests.Dashboard;

/// <summary>
/// The files under <c>ops/grafana</c> and <c>docker-compose.yml</c> as Grafana and docker-compose read them: YAML
/// as plain maps and lists, the dashboard JSON as a document, and the panel SQL with Grafana's PostgreSQL macros
/// expanded the way Grafana documents them (<c>$__timeFilter(c)</c> = <c>c BETWEEN 'from' AND 'to'</c>,
/// <c>$__timeFrom()</c> / <c>$__timeTo()</c> = the quoted instants, a multi-value variable = its values quoted and
/// comma-separated).
/// </summary>
internal static partial class GrafanaFiles
{
    public static string Folder => Path.Combine(TestServices.RepositoryRoot, "ops", "grafana");

    public static Dictionary<object, object> Yaml(string path)
    {
        using var reader = new StreamReader(path);
        // MergingParser resolves the `<<: *anchor` merge keys of docker-compose.yml.
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    public static Dictionary<object, object> MapOf(object? node, string what)
        => node as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"{what} is not a map");

    public static List<object> ListOf(object? node, string what)
        => node as List<object> ?? throw new Xunit.Sdk.XunitException($"{what} is not a list");

    public static string Scalar(Dictionary<object, object> map, string key, string what)
        => map.TryGetValue(key, out var v) && v is string s && s.Length > 0 ? s : throw new Xunit.Sdk.XunitException($"{what}.{key} is missing");

    public static JsonDocument DashboardJson() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "dashboards", "interns1.json")));

    /// <summary>The SQL of <paramref name="rawSql"/> as Grafana sends it for the range [from, to] and the variable values.</summary>
    public static string Expand(string rawSql, DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<string, IReadOnlyList<string>> variables)
    {
        static string Instant(DateTimeOffset t) => "'" + t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "'";
        var sql = TimeFilter().Replace(rawSql, m => $"{m.Groups[1].Value.Trim()} BETWEEN {Instant(from)} AND {Instant(to)}");
        sql = sql.Replace("$__timeFrom()", Instant(from), StringComparison.Ordinal).Replace("$__timeTo()", Instant(to), StringComparison.Ordinal);
        foreach (var (name, values) in variables)
        {
            var list = string.Join(",", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));
            sql = sql.Replace("${" + name + "}", list, StringComparison.Ordinal).Replace("$" + name, list, StringComparison.Ordinal);
        }
        return sql;
    }

    /// <summary>The relations named after FROM or JOIN.</summary>
    public static IEnumerable<string> Relations(string sql) => FromOrJoin().Matches(sql).Select(m => m.Groups[1].Value.ToLowerInvariant());

    [GeneratedRegex(@"\$__timeFilter\(([^)]*)\)")]
    private static partial Regex TimeFilter();

    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex FromOrJoin();
}
