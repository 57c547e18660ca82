using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Npgsql;
using static InternS1.Batch.Cli.Tests.Dashboard.GrafanaFiles;

namespace InternS1.Batch.Cli.Tests.Dashboard;

/// <summary>
/// Grafana without Grafana: the provisioning files have the documented structure and are mounted where
/// docker-compose.yml says; every panel query of the dashboard (and its variable) runs, with the macros expanded,
/// as the login that <c>ops/grafana/grafana-login.sql</c> makes, on a scratch database seeded with
/// <see cref="DashboardSeed"/>, reads only views, and returns the expected columns and hand-computed numbers.
/// </summary>
[Trait("Category", "Service")]
public class GrafanaProvisioningTests
{
    private const string DatasourceUid = "interns1";
    private const string DashboardsPath = "/var/lib/grafana/dashboards/interns1";

    // Documented keys (Grafana "Provisioning": data sources; dashboard providers).
    private static readonly HashSet<string> DatasourceKeys = ["name", "type", "access", "orgId", "uid", "url", "user", "database", "basicAuth",
        "basicAuthUser", "withCredentials", "isDefault", "jsonData", "secureJsonData", "version", "editable"];
    private static readonly HashSet<string> ProviderKeys = ["name", "orgId", "folder", "folderUid", "type", "disableDeletion",
        "updateIntervalSeconds", "allowUiUpdates", "options"];

    private static readonly Dictionary<string, string[]> Columns = new()
    {
        ["Progress"] = ["dataset", "total", "succeeded", "failed", "dead_lettered", "cancelled", "pending", "percent_done",
            "jobs_per_minute", "output_tokens_per_second", "eta_seconds", "eta_at"],
        ["Throughput (jobs ended per minute)"] = ["time", "metric", "jobs"],
        ["Completion tokens per minute"] = ["time", "metric", "completion_tokens"],
        ["Tokens per day"] = ["day", "prompt_tokens", "cached_tokens", "image_tokens", "video_tokens", "completion_tokens", "reasoning_tokens"],
        ["Latency percentiles (ms, succeeded jobs)"] = ["dataset", "jobs", "end_to_end_p50_ms", "end_to_end_p90_ms", "end_to_end_p99_ms",
            "run_p50_ms", "run_p99_ms", "queue_p50_ms", "queue_p99_ms", "prefill_p50_ms", "prefill_p99_ms", "decode_p50_ms", "decode_p99_ms"],
        ["Failures by reason"] = ["dataset", "reason_code", "dead_letters", "first_at", "last_at"],
        ["Latest dead letters"] = ["created_at", "dataset", "job_id", "custom_id", "reason_code", "message", "attempts"],
    };

    [Fact]
    public void The_datasource_and_the_dashboard_provider_are_valid_provisioning_files_mounted_by_docker_compose()
    {
        var datasources = Yaml(Path.Combine(Folder, "provisioning", "datasources", "interns1.yaml"));
        Assert.Equal("1", datasources["apiVersion"]);
        var source = MapOf(Assert.Single(ListOf(datasources["datasources"], "datasources")), "datasources[0]");
        Assert.Empty(source.Keys.Cast<string>().Except(DatasourceKeys));
        Assert.Equal((DatasourceUid, "grafana-postgresql-datasource", "proxy"), (Scalar(source, "uid", "ds"), Scalar(source, "type", "ds"), Scalar(source, "access", "ds")));
        var json = MapOf(source["jsonData"], "jsonData");
        Assert.Contains(Scalar(json, "sslmode", "jsonData"), new[] { "disable", "require", "verify-ca", "verify-full" });
        Assert.True(int.TryParse(Scalar(json, "postgresVersion", "jsonData"), out _));
        // No secret in the file: the login and its password come from the grafana service's environment.
        var referenced = new[] { Scalar(source, "url", "ds"), Scalar(source, "user", "ds"), Scalar(json, "database", "jsonData"),
            Scalar(MapOf(source["secureJsonData"], "secureJsonData"), "password", "secureJsonData") };
        Assert.All(referenced, v => Assert.Matches(@"^\$\{[A-Z0-9_]+\}$", v));

        var providers = Yaml(Path.Combine(Folder, "provisioning", "dashboards", "interns1.yaml"));
        Assert.Equal("1", providers["apiVersion"]);
        var provider = MapOf(Assert.Single(ListOf(providers["providers"], "providers")), "providers[0]");
        Assert.Empty(provider.Keys.Cast<string>().Except(ProviderKeys));
        Assert.Equal(("file", DashboardsPath), (Scalar(provider, "type", "provider"), Scalar(MapOf(provider["options"], "options"), "path", "options")));

        var compose = Yaml(Path.Combine(TestServices.RepositoryRoot, "docker-compose.yml"));
        var services = MapOf(compose["services"], "services");
        var grafana = MapOf(services["grafana"], "services.grafana");
        var volumes = ListOf(grafana["volumes"], "grafana.volumes").Cast<string>().ToList();
        Assert.Contains("./ops/grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        Assert.Contains($"./ops/grafana/dashboards:{DashboardsPath}:ro", volumes);
        var environment = MapOf(grafana["environment"], "grafana.environment");
        foreach (var variable in referenced.Select(v => v[2..^1]))
            Assert.True(environment.ContainsKey(variable), $"the grafana service sets {variable}");
        Assert.Equal($"{DashboardsPath}/interns1.json", environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]);
        var login = MapOf(services["grafana-login"], "services.grafana-login");
        Assert.Contains("./ops/grafana/grafana-login.sql:/grafana-login.sql:ro", ListOf(login["volumes"], "grafana-login.volumes").Cast<string>());
        Assert.Contains("migrate", MapOf(login["depends_on"], "grafana-login.depends_on").Keys.Cast<string>());
    }

    [Fact]
    public void The_dashboard_json_has_the_documented_structure_on_the_provisioned_datasource()
    {
        using var doc = DashboardJson();
        var root = doc.RootElement;
        Assert.Matches("^[A-Za-z0-9_-]{1,40}$", root.GetProperty("uid").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 36);
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(Columns.Keys.Order(), panels.Select(p => p.GetProperty("title").GetString()!).Order());
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var cells = new HashSet<(int, int)>();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Contains(panel.GetProperty("type").GetString(), new[] { "table", "timeseries", "barchart", "stat", "gauge", "bargauge" });
            Assert.Equal(DatasourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var g = panel.GetProperty("gridPos");
            int x = g.GetProperty("x").GetInt32(), y = g.GetProperty("y").GetInt32(), w = g.GetProperty("w").GetInt32(), h = g.GetProperty("h").GetInt32();
            Assert.True(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, $"{title}: gridPos inside the 24-column grid");
            for (var i = x; i < x + w; i++)
                for (var j = y; j < y + h; j++)
                    Assert.True(cells.Add((i, j)), $"{title} overlaps another panel at ({i}, {j})");
            var target = Assert.Single(panel.GetProperty("targets").EnumerateArray());
            Assert.Equal(("A", true), (target.GetProperty("refId").GetString(), target.GetProperty("rawQuery").GetBoolean()));
            var format = target.GetProperty("format").GetString();
            Assert.Equal(panel.GetProperty("type").GetString() == "timeseries" ? "time_series" : "table", format);
        }
        var variable = Assert.Single(root.GetProperty("templating").GetProperty("list").EnumerateArray());
        Assert.Equal(("dataset", "query", DatasourceUid), (variable.GetProperty("name").GetString(), variable.GetProperty("type").GetString(),
            variable.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public async Task Every_panel_query_runs_as_the_read_only_grafana_login_on_views_and_returns_the_expected_columns()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_grafana", default);
        await Database.ExecuteAsync(scratch.ConnectionString, DashboardSeed.Sql);
        var name = $"t_graf_{Guid.NewGuid():N}"[..30];
        try
        {
            await RunLoginScriptAsync(scratch.ConnectionString, name, "first-pw");
            await RunLoginScriptAsync(scratch.ConnectionString, name, "graf-pw"); // idempotent: sets the password again
            var cs = new NpgsqlConnectionStringBuilder(scratch.ConnectionString) { Username = name, Password = "graf-pw", Pooling = false }.ConnectionString;
            var denied = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(cs, "INSERT INTO datasets (name) VALUES ('x')"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

            var views = (await Database.RowsAsync(scratch.ConnectionString, "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'public'"))
                .Select(r => (string)r[0]!).ToHashSet();
            using var doc = DashboardJson();
            var variableSql = doc.RootElement.GetProperty("templating").GetProperty("list")[0].GetProperty("query").GetString()!;
            var datasets = (await Database.RowsAsync(cs, variableSql)).Select(r => (string)r[0]!).ToList();
            Assert.Equal(["other", "screen"], datasets);
            var to = DateTimeOffset.UtcNow;
            var variables = new Dictionary<string, IReadOnlyList<string>> { ["dataset"] = datasets };
            var results = new Dictionary<string, List<object?[]>>();
            foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
            {
                var title = panel.GetProperty("title").GetString()!;
                var target = panel.GetProperty("targets")[0];
                var sql = Expand(target.GetProperty("rawSql").GetString()!, to.AddHours(-6), to, variables);
                Assert.DoesNotContain("$", sql);
                Assert.All(Relations(sql), r => Assert.True(views.Contains(r), $"{title} reads {r}, which is not a view"));
                var (columns, types, rows) = await QueryAsync(cs, sql);
                Assert.Equal(Columns[title], columns);
                Assert.NotEmpty(rows);
                if (target.GetProperty("format").GetString() == "time_series")
                {
                    // Grafana's long time-series frame: a timestamp "time", a string "metric", numeric values.
                    Assert.Equal((typeof(DateTime), typeof(string)), (types[0], types[1]));
                    Assert.All(types.Skip(2), t => Assert.True(t == typeof(long) || t == typeof(decimal) || t == typeof(double), $"{title}: {t} is not numeric"));
                }
                results[title] = rows;
            }
            // By hand from the seed: screen 15 of 20 ended, other 1 of 1; 10 + 3 + 2 jobs of screen and o1 ended in the
            // last 6 h; prompt tokens 301..310 + 7; dead letters d1 (newest), d2, d3.
            Assert.Equal([("other", 100.0m), ("screen", 75.0m)], results["Progress"].Select(r => ((string)r[0]!, (decimal)r[7]!)).ToList());
            Assert.Equal(16, results["Throughput (jobs ended per minute)"].Sum(r => Convert.ToInt64(r[2])));
            Assert.Equal(3062, results["Tokens per day"].Sum(r => Convert.ToInt64(r[1])));
            Assert.Equal(["d1", "d2", "d3"], results["Latest dead letters"].Select(r => (string)r[2]!));
            Assert.Equal([("screen", "invalid_sampling", 2L), ("screen", "media_unreadable", 1L)],
                results["Failures by reason"].Select(r => ((string)r[0]!, (string)r[1]!, Convert.ToInt64(r[2]))));
        }
        finally
        {
            await Database.ExecuteAsync(TestServices.PostgresSuperuser, $"DROP ROLE IF EXISTS {name}");
        }
    }

    private static async Task<(List<string> Columns, List<Type> Types, List<object?[]> Rows)> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return (columns, types, rows);
    }

    /// <summary>Runs ops/grafana/grafana-login.sql with psql as the superuser on <paramref name="connectionString"/>'s
    /// database, as docker-compose's grafana-login service does (roles are made by a role administrator).</summary>
    private static async Task RunLoginScriptAsync(string connectionString, string login, string password)
    {
        var b = new NpgsqlConnectionStringBuilder(TestServices.PostgresSuperuser) { Database = new NpgsqlConnectionStringBuilder(connectionString).Database };
        var info = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", $"login={login}", "-v", $"password={password}",
            "-f", Path.Combine(Folder, "grafana-login.sql"), $"host={b.Host} port={b.Port} dbname={b.Database} user={b.Username}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["PGPASSWORD"] = b.Password;
        using var psql = Process.Start(info)!;
        var err = psql.StandardError.ReadToEndAsync();
        await psql.StandardOutput.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0, $"psql -f grafana-login.sql: {await err}");
    }
}
