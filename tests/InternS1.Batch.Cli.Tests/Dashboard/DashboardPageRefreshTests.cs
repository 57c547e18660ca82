using InternS1.Batch.Http.Dashboard;

namespace InternS1.Batch.Cli.Tests.Dashboard;

/// <summary>
/// <c>Dashboard:RefreshInterval</c> on the rendered pages (the browser test covers a non-zero value through the
/// running dashboard): a whole number of seconds, rounded up, in an HTML meta refresh; zero leaves it out.
/// </summary>
public class DashboardPageRefreshTests
{
    [Fact]
    public void A_refresh_interval_becomes_a_meta_refresh_in_whole_seconds_and_zero_turns_it_off()
    {
        var every90 = DashboardPages.Overview([], new DashboardOptions { RefreshInterval = TimeSpan.FromSeconds(90) });
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"90\">", every90);
        Assert.Contains("no datasets yet", every90);

        var rounded = DashboardPages.Overview([], new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(2500) });
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"3\">", rounded);

        var off = DashboardPages.Overview([], new DashboardOptions { RefreshInterval = TimeSpan.Zero });
        Assert.DoesNotContain("http-equiv=\"refresh\"", off);
        Assert.Contains("no datasets yet", off);
    }
}
