namespace InternS1.Batch.Http.Dashboard;

/// <summary>The dashboard cannot start as configured (no connection string, or a login that can write); the
/// message names the setting and the fix.</summary>
public sealed class DashboardConfigurationException(string message) : Exception(message);
