using InternS1.Batch.Storage.Dashboard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>Refuses to start the dashboard with a login that could change data: a superuser, or a role with
/// INSERT, UPDATE, DELETE or TRUNCATE on any table of the public schema (<see cref="DashboardDatabase.RightsAsync"/>).</summary>
public sealed class ReadOnlyLoginCheck(DashboardDatabase database, ILogger<ReadOnlyLoginCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rights = await database.RightsAsync(cancellationToken).ConfigureAwait(false);
        if (!rights.IsReadOnly)
        {
            throw new DashboardConfigurationException(
                $"ConnectionStrings:{DashboardOptions.ConnectionStringName} logs in as '{rights.User}', which can change data " +
                $"({(rights.IsSuperuser ? "a superuser" : "it may write to " + rights.WritableTables)}). The dashboard runs with a read-only login: " +
                "CREATE ROLE dashboard LOGIN PASSWORD '...' IN ROLE interns1_dashboard;");
        }
        logger.LogInformation("Dashboard reads as {User} (read-only)", rights.User);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
