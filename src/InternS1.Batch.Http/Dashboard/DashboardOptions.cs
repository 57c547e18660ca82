using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>Settings of <c>interns1 dashboard</c> (section <c>Dashboard</c>). The database login comes from
/// <c>ConnectionStrings:Dashboard</c>, a role in <c>interns1_dashboard</c> (read-only).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The connection string name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Dashboard";

    /// <summary>How often the pages reload themselves (an HTML meta refresh, no script). Zero turns it off. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The span of the throughput chart, ending at the dataset's last finished minute. Default 6 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ThroughputWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many of the latest dead letters a dataset page lists. Default 20.</summary>
    [Range(1, 500)]
    public int DeadLetterRows { get; set; } = 20;
}
